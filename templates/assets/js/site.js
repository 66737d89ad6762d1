// Klantspiegel site behaviour: sortable tables, the sector filter and the search box.
// Everything works without it; it only adds convenience. No inline scripts (CSP).
"use strict";

function cellValue(row, index) {
  const cell = row.children[index];
  return cell ? (cell.dataset.value ?? cell.textContent.trim()) : "";
}

function sortTable(table, index, kind, header) {
  const body = table.tBodies[0];
  const ascending = header.getAttribute("aria-sort") !== "ascending";
  const rows = Array.from(body.rows);
  const collator = new Intl.Collator(document.documentElement.lang, { numeric: true });
  rows.sort((a, b) => {
    const x = cellValue(a, index), y = cellValue(b, index);
    const order = kind === "number" ? parseFloat(x) - parseFloat(y) : collator.compare(x, y);
    return ascending ? order : -order;
  });
  rows.forEach((row) => body.appendChild(row));
  table.querySelectorAll("th[aria-sort]").forEach((th) => th.removeAttribute("aria-sort"));
  header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
}

function setUpSorting() {
  document.querySelectorAll("table.sortable").forEach((table) => {
    table.querySelectorAll("thead th button[data-sort]").forEach((button) => {
      const header = button.closest("th");
      const index = Array.from(header.parentNode.children).indexOf(header);
      button.addEventListener("click", () => sortTable(table, index, button.dataset.sort, header));
    });
  });
}

function setUpFilters() {
  document.querySelectorAll("select[data-filter-table]").forEach((select) => {
    const table = document.getElementById(select.dataset.filterTable);
    const counter = document.getElementById("portfolio-count");
    const template = counter ? counter.textContent.replace(/\d+/, "{n}") : "";
    select.addEventListener("change", () => {
      let shown = 0;
      Array.from(table.tBodies[0].rows).forEach((row) => {
        const match = !select.value || row.dataset.sector === select.value;
        row.hidden = !match;
        if (match) shown += 1;
      });
      if (counter) counter.textContent = template.replace("{n}", String(shown));
    });
  });
}

// --- Search --------------------------------------------------------------------------------
// A client bundle and the single-file report are opened from disk, where nothing can be
// fetched: their index is a script (search/index.js, or inline) that sets
// window.KLANTSPIEGEL_SEARCH to [{url, title, context, text}]. The consultant's site, served
// over http, uses Pagefind, which cannot load from disk.

// Lower case without diacritics, so "geintegreerd" finds "Geïntegreerd".
function foldText(text) {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

function wordsOf(text) {
  return text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

// Pages where every word of the query starts a word of the title or text; title hits first.
function findPages(pages, query) {
  const terms = wordsOf(foldText(query));
  if (!terms.length) return [];
  const found = [];
  pages.forEach((page, order) => {
    const title = wordsOf(foldText(page.title));
    const text = wordsOf(foldText(page.text));
    let score = 0;
    for (const term of terms) {
      const inTitle = title.filter((w) => w.startsWith(term)).length;
      const inText = text.filter((w) => w.startsWith(term)).length;
      if (!inTitle && !inText) return;
      score += 10 * inTitle + inText;
    }
    found.push({ page, score, order });
  });
  found.sort((a, b) => b.score - a.score || a.order - b.order);
  return found.map((hit) => hit.page);
}

// A few words of the text around the first word a query term starts.
function snippetOf(text, query, size = 24) {
  const terms = wordsOf(foldText(query));
  const words = text.split(/\s+/);
  const at = words.findIndex((w) => wordsOf(foldText(w)).some((f) => terms.some((t) => f.startsWith(t))));
  const from = Math.max(0, (at < 0 ? 0 : at) - Math.floor(size / 3));
  const shown = words.slice(from, from + size).join(" ");
  return (from > 0 ? "… " : "") + shown + (from + size < words.length ? " …" : "");
}

function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

function setUpInlineSearch(box) {
  const input = element("input", "search-input");
  input.type = "search";
  input.id = "search-input";
  input.placeholder = box.dataset.placeholder;
  input.setAttribute("aria-label", box.dataset.placeholder);
  input.autocomplete = "off";
  const status = element("p", "search-status");
  status.setAttribute("role", "status");
  const results = element("ol", "search-results");
  box.append(input, status, results);
  const pages = window.KLANTSPIEGEL_SEARCH;
  if (!Array.isArray(pages)) {
    input.disabled = true;
    status.textContent = box.dataset.unavailable;
    return;
  }
  // In the single-file report a result is a section of the same page: close the list.
  results.addEventListener("click", (event) => {
    if (event.target.closest("a")) {
      results.replaceChildren();
      status.textContent = "";
    }
  });
  // The list lies over the page: it hides when the reader clicks or tabs out of the search
  // box, and shows again (or is made again, after a result was followed) on coming back.
  document.addEventListener("pointerdown", (event) => {
    if (!box.contains(event.target)) results.hidden = true;
  });
  box.addEventListener("focusout", (event) => {
    if (event.relatedTarget && !box.contains(event.relatedTarget)) results.hidden = true;
  });
  input.addEventListener("focus", () => {
    results.hidden = false;
    if (!results.children.length && input.value.trim()) input.dispatchEvent(new Event("input"));
  });
  input.addEventListener("input", () => {
    results.hidden = false;
    const query = input.value.trim();
    const hits = query ? findPages(pages, query) : [];
    results.replaceChildren(...hits.slice(0, 20).map((page) => {
      const item = element("li", "search-result");
      const link = element("a", "", page.title);
      link.href = page.url.startsWith("#") ? page.url : box.dataset.root + page.url;
      item.append(link);
      if (page.context) item.append(element("p", "search-result-context", page.context));
      item.append(element("p", "search-result-excerpt", snippetOf(page.text, query)));
      return item;
    }));
    const count = hits.length === 1 ? box.dataset.resultOne : box.dataset.resultOther;
    status.textContent = !query ? ""
      : hits.length ? count.replace("{n}", String(hits.length))
      : box.dataset.noResults.replace("{query}", query);
  });
}

function setUpPagefind(box) {
  if (window.location.protocol === "file:" || typeof PagefindUI === "undefined") {
    box.append(element("p", "search-status", box.dataset.unavailable));
    return;
  }
  new PagefindUI({
    element: "#search",
    // Pagefind imports its bundle as a module, which needs a path, not a relative URL.
    bundlePath: new URL(box.dataset.bundle, window.location.href).pathname,
    showImages: false,
    resetStyles: false,
    translations: { placeholder: box.dataset.placeholder },
    // Pagefind shows a metadata key as its label: give it in the page's language.
    processResult: (result) => {
      if (result.meta && "organisation" in result.meta) {
        const { organisation, ...rest } = result.meta;
        result.meta = { ...rest, [box.dataset.organisationLabel]: organisation };
      }
      return result;
    },
  });
  const input = box.querySelector("input");
  if (input) input.setAttribute("aria-label", box.dataset.placeholder);
}

function setUpSearch() {
  const box = document.getElementById("search");
  if (!box) return;
  if (box.dataset.kind === "inline") setUpInlineSearch(box);
  else setUpPagefind(box);
}

document.addEventListener("DOMContentLoaded", () => {
  setUpSorting();
  setUpFilters();
  setUpSearch();
});
