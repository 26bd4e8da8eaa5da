// komoru edit form, enhanced. The form works without this script: rows
// are added by a submit button, definitions sit in a details element, and
// related works are typed by id. With it, rows are added and removed in
// place, the definition of each chosen value shows beside the choice, the
// id of a new work is suggested from its title and medium, and related
// works are picked by searching the catalog as you type.
(function () {
  "use strict";
  var form = document.getElementById("edit-form");
  if (!form) return;
  var pickers = 0; // numbers the pickers' list ids

  // Rows: each repeated section holds a <template> of a blank row whose
  // names carry "__i__" where the row's index goes.
  function wireRow(rowEl) {
    var remove = rowEl.querySelector(".remove-row");
    if (remove) {
      remove.hidden = false;
      remove.addEventListener("click", function () {
        var section = rowEl.closest("[data-rows]");
        var next = rowEl.nextElementSibling || rowEl.previousElementSibling;
        rowEl.remove();
        var target = next ? next.querySelector("input, select") : section.querySelector(".add-row");
        if (target) target.focus();
      });
    }
    rowEl.querySelectorAll("[data-picker]").forEach(picker);
  }

  form.querySelectorAll("[data-rows]").forEach(function (section) {
    var list = section.querySelector(".row-list");
    var tmpl = section.querySelector("template");
    var add = section.querySelector(".add-row");
    var next = parseInt(section.getAttribute("data-next"), 10) || 0;
    list.querySelectorAll(".row").forEach(wireRow);
    add.addEventListener("click", function (e) {
      e.preventDefault();
      var i = String(next++);
      var html = tmpl.innerHTML.split("__i__").join(i);
      var box = document.createElement("div");
      box.innerHTML = html.trim();
      var rowEl = box.firstElementChild;
      var label = rowEl.getAttribute("aria-label");
      rowEl.setAttribute("aria-label", label + " " + (list.children.length + 1));
      list.appendChild(rowEl);
      wireRow(rowEl);
      var first = rowEl.querySelector("input, select");
      if (first) first.focus();
    });
  });
  form.querySelectorAll(".no-script").forEach(function (el) { el.hidden = true; });

  // Definitions: the chosen values' definitions show beside the choice.
  form.querySelectorAll("fieldset.dimension").forEach(function (set) {
    var panel = set.querySelector(".chosen");
    var inputs = set.querySelectorAll(".values input");
    function show() {
      var parts = [];
      inputs.forEach(function (input) {
        if (!input.checked || input.value === "" && input.type === "radio") return;
        var label = set.querySelector('label[for="' + input.id + '"]');
        // A value's definition is the page's own text (the element that
        // describes it); "none of these" carries its own.
        var def = document.getElementById(input.id + "-def");
        parts.push((label ? label.textContent : input.value) + ": " + (def ? def.textContent : input.getAttribute("data-definition")));
      });
      panel.textContent = parts.join(" ");
      panel.hidden = parts.length === 0;
    }
    set.addEventListener("change", function (e) {
      var t = e.target;
      // "None of these" and the values exclude each other.
      if (t.type === "checkbox" && t.checked && t.closest(".values")) {
        var isNone = t.closest("li.none") !== null;
        inputs.forEach(function (input) {
          if (input.type === "checkbox" && input !== t && (input.closest("li.none") !== null) !== isNone) input.checked = false;
        });
      }
      show();
    });
    show();
  });

  // The id of a new work: its title in lowercase ASCII words joined by
  // hyphens, then the medium, as the catalog's ids are made
  // (welcome-to-the-nhk-manga), until the user types an id of their own.
  var id = form.querySelector('input[name="id"]');
  if (id && form.hasAttribute("data-new")) {
    var title = form.querySelector('input[name="title"]');
    var medium = form.querySelector('select[name="medium"]');
    var own = id.value !== "";
    var suggest = function () {
      if (own) return;
      var words = title.value.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
        .replace(/['’.]/g, "").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
      var opt = medium.options[medium.selectedIndex];
      var suffix = opt ? opt.getAttribute("data-slug") || "" : "";
      if (suffix && words.slice(-suffix.length - 1) !== "-" + suffix) words = words ? words + "-" + suffix : "";
      id.value = words.slice(0, 100).replace(/-+$/, "");
    };
    id.addEventListener("input", function () { own = id.value !== ""; });
    title.addEventListener("input", suggest);
    medium.addEventListener("change", suggest);
  }

  // The related-work picker: a combobox over the search API that fills in
  // the chosen work's id.
  function picker(input) {
    if (input.hasAttribute("role")) return;
    var list = document.createElement("ul");
    list.id = "picker-" + (++pickers);
    list.className = "picker";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Works matching the text");
    list.hidden = true;
    input.parentNode.insertBefore(list, input.nextSibling);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    var timer = 0, active = -1, pending = null;

    function close() {
      list.hidden = true;
      list.replaceChildren();
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function mark(i) {
      var items = list.children;
      if (items.length === 0) return;
      active = (i + items.length) % items.length;
      for (var j = 0; j < items.length; j++) items[j].setAttribute("aria-selected", j === active ? "true" : "false");
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }
    function pick(item) {
      input.value = item.getAttribute("data-id");
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function mediumLabel(id) {
      var opt = form.querySelector('select[name="medium"] option[value="' + id + '"]');
      return opt ? opt.textContent : id;
    }
    function search() {
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      if (pending) pending.abort();
      pending = new AbortController();
      fetch("/api/v1/search?" + new URLSearchParams({ q: q, size: "8" }), { signal: pending.signal, headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error("search " + r.status); return r.json(); })
        .then(function (res) {
          var was = active >= 0 ? list.children[active].getAttribute("data-id") : null;
          list.replaceChildren();
          active = -1;
          list.setAttribute("data-query", q);
          var self = form.getAttribute("data-work");
          (res.hits || []).forEach(function (hit, i) {
            if (hit.id === self) return;
            var li = document.createElement("li");
            li.id = list.id + "-" + i;
            li.setAttribute("role", "option");
            li.setAttribute("aria-selected", "false");
            li.setAttribute("data-id", hit.id);
            var t = document.createElement("span");
            t.className = "t";
            t.textContent = hit.title;
            var meta = document.createElement("span");
            meta.className = "meta";
            meta.textContent = mediumLabel(hit.medium) + ", " + hit.year + " · " + hit.id;
            li.append(t, " ", meta);
            li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(li); });
            list.appendChild(li);
          });
          list.hidden = list.children.length === 0;
          input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
          // Results that arrive late keep the option the user moved to.
          for (var i = 0; i < list.children.length; i++) {
            if (list.children[i].getAttribute("data-id") === was) mark(i);
          }
        })
        .catch(function (err) { if (err.name !== "AbortError") close(); });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); mark(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); mark(active - 1); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); pick(list.children[active]); }
      else if (e.key === "Escape") { e.preventDefault(); close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  // After a failed save, the list of problems takes the focus, so a screen
  // reader hears it and a keyboard user goes from it to each field.
  var problems = document.getElementById("problems");
  if (problems && !document.querySelector("[autofocus]")) problems.focus();
})();
