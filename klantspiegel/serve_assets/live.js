// Live reload for `python build.py serve`. The server adds this script to pages as it sends
// them; it is never part of a build. It reloads the page when a build has finished, and when
// the server comes back with a build this page has not shown (after a restart, or a reload
// missed while the connection was down).
"use strict";

(() => {
  const shown = document.currentScript ? document.currentScript.dataset.version : "";

  function connect() {
    const events = new EventSource("/__klantspiegel/events");
    events.addEventListener("hello", (event) => {
      if (shown && event.data !== shown) window.location.reload();
    });
    events.addEventListener("reload", () => window.location.reload());
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
