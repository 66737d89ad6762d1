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

function setUpSearch() {
  const box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined") return;
  new PagefindUI({
    element: "#search",
    // Pagefind imports its bundle as a module, which needs a path, not a relative URL.
    bundlePath: new URL(box.dataset.bundle, window.location.href).pathname,
    showImages: false,
    resetStyles: false,
    translations: { placeholder: box.dataset.placeholder },
  });
  const input = box.querySelector("input");
  if (input) input.setAttribute("aria-label", box.dataset.placeholder);
}

document.addEventListener("DOMContentLoaded", () => {
  setUpSorting();
  setUpFilters();
  setUpSearch();
});
