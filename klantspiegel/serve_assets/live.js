// Live reload for `python build.py serve`. The server adds this script to pages as it sends
// them; it is never part of a build. It reloads the page when a build has rendered it again
// (or every page: after a failed build, or new assets), and when the server comes back with
// a build this page has not shown (after a restart, or a reload missed while the connection
// was down). With `serve --pdf` the site is rebuilt first and the
// PDFs after it: a notice, in the page's language (on the script's tag), says so meanwhile.
"use strict";

(() => {
  const script = document.currentScript;
  let shown = script ? script.dataset.version : "";
  const texts = script ? script.dataset : {};
  let notice = null;

  function showPdfState(data) {
    const { state, problems } = JSON.parse(data);
    if (!notice) {
      if (!state) return;
      const style = document.createElement("link");
      style.rel = "stylesheet";
      style.href = "/__klantspiegel/notice.css";
      document.head.append(style);
      notice = document.createElement("p");
      notice.className = "klantspiegel-pdf-notice";
      notice.setAttribute("role", "status");
      document.body.append(notice);
    }
    notice.hidden = !state;
    notice.dataset.state = state;
    notice.textContent = state === "failed" ? texts.pdfFailed : texts.pdfUpdating || "";
    if (state === "failed") {
      const detail = document.createElement("code");
      detail.textContent = problems;
      notice.append(detail);
    }
  }

  function here() {
    const path = decodeURIComponent(window.location.pathname);
    return path.endsWith("/") ? `${path}index.html` : path;
  }

  function connect() {
    const events = new EventSource("/__klantspiegel/events");
    events.addEventListener("hello", (event) => {
      if (shown && event.data !== shown) window.location.reload();
    });
    events.addEventListener("reload", (event) => {
      const { version, pages } = JSON.parse(event.data);
      if (!pages || pages.includes(here())) {
        window.location.reload();
      } else {
        shown = version; // unchanged by that build: it shows it as well as the last
      }
    });
    events.addEventListener("pdf", (event) => showPdfState(event.data));
    events.addEventListener("error", () => {
      // The browser retries by itself unless it gave up; then we try again, gently.
      if (events.readyState === EventSource.CLOSED) {
        events.close();
        window.setTimeout(connect, 1000);
      }
    });
  }

  connect();
})();
