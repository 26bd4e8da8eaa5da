// komoru search page, enhanced: search as you type, facets apply on click,
// and the URL always holds the whole search, so back and forward work. The
// server renders every state; this script only fetches the next one and
// swaps the sidebar and the results. Without it the form submits as usual.
(function () {
  "use strict";
  var form = document.getElementById("search");
  if (!form || !window.fetch || !window.history.pushState) return;
  var q = document.getElementById("q");
  var facets = document.getElementById("facets");
  var results = document.getElementById("results");
  var limitNote = document.getElementById("q-limit");
  var timer = 0;
  var pending = null;

  // overLimit says, under the box, when its text is longer than the server
  // takes (the box's maxlength, which pasting by script can pass), so that
  // nothing is fetched and the page stays. Characters are code points, as
  // the server counts them, not UTF-16 units.
  function overLimit() {
    var n = Array.from(q.value).length;
    var over = q.maxLength > 0 && n > q.maxLength;
    if (limitNote) {
      limitNote.hidden = !over;
      limitNote.textContent = over ? "Search text: at most " + q.maxLength + " characters (this has " + n + ")." : "";
    }
    return over;
  }

  // search loads the form's search, unless its text is over the limit.
  function search(how) {
    if (overLimit()) return;
    load(formURL(), how);
  }

  // The query string of the form as it stands, without empty fields.
  function formURL() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (value !== "" && !(name === "sort" && value === "relevance")) params.append(name, value);
    });
    var s = params.toString();
    return "/" + (s ? "?" + s : "");
  }

  // load fetches a search page and swaps its sidebar and results in.
  function load(url, how) {
    if (pending) pending.abort();
    pending = new AbortController();
    results.setAttribute("aria-busy", "true");
    return fetch(url, { signal: pending.signal, headers: { Accept: "text/html" } })
      .then(function (r) {
        // A 400 is the search page listing the bad parameters: shown in place.
        if (!r.ok && r.status !== 400) throw new Error("search failed: " + r.status);
        return r.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var f = doc.getElementById("facets"), res = doc.getElementById("results");
        if (!f || !res) throw new Error("unexpected page");
        var focused = document.activeElement && document.activeElement.id;
        facets.replaceChildren.apply(facets, Array.from(f.childNodes));
        results.replaceChildren.apply(results, Array.from(res.childNodes));
        var t = doc.getElementById("filters-toggle");
        if (toggle && t) toggle.replaceChildren.apply(toggle, Array.from(t.childNodes));
        document.title = doc.title;
        shown = url;
        if (how === "push") history.pushState({}, "", url);
        else if (how === "replace") history.replaceState({}, "", url);
        if (focused && focused !== "q") {
          var el = document.getElementById(focused);
          if (el) el.focus();
        }
        enhance();
      })
      .catch(function (err) {
        if (err.name !== "AbortError") window.location.href = url; // let the server show it
      })
      .finally(function () {
        results.removeAttribute("aria-busy");
      });
  }

  // On a phone the filters wait behind "Filters (N active)" above the
  // results (the link works without this script, through :target); here
  // it is a disclosure button, and each facet is folded to its name (and
  // how many of its values are chosen), so that the open filters are a
  // short list.
  var toggle = document.getElementById("filters-toggle");
  var narrow = window.matchMedia("(max-width: 48rem)");
  var unfolded = {}; // the facets the reader opened on a phone, kept across loads
  function setOpen(open, scroll) {
    facets.setAttribute("data-open", open ? "true" : "false");
    if (toggle) toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open && scroll) {
      facets.scrollIntoView({ block: "start" });
      var heading = document.getElementById("filters");
      if (heading) heading.focus({ preventScroll: true });
    }
  }
  if (toggle) {
    toggle.setAttribute("role", "button");
    toggle.setAttribute("aria-expanded", "false");
    toggle.addEventListener("click", function (e) {
      e.preventDefault();
      setOpen(facets.getAttribute("data-open") !== "true", true);
    });
    toggle.addEventListener("keydown", function (e) {
      if (e.key === " ") { e.preventDefault(); toggle.click(); }
    });
  }
  // "Skip to filters" and "Show the works" open and close them too.
  window.addEventListener("hashchange", function () {
    if (location.hash === "#filters" || location.hash === "#facets") setOpen(true, false);
    if (location.hash === "#results" && narrow.matches) setOpen(false, false);
  });
  facets.addEventListener("toggle", function (e) {
    var box = e.target;
    if (!box.classList || !box.classList.contains("facet-box") || !narrow.matches) return;
    var set = box.querySelector("[data-facet]");
    if (set) unfolded[set.getAttribute("data-facet")] = box.open;
  }, true);
  function fold() {
    facets.querySelectorAll("details.facet-box").forEach(function (box) {
      var summary = box.querySelector("summary");
      if (!narrow.matches) {
        // A heading on a wide screen: open, and no Tab stop.
        box.open = true;
        summary.tabIndex = -1;
        return;
      }
      summary.removeAttribute("tabindex");
      var set = box.querySelector("[data-facet]");
      var name = set && set.getAttribute("data-facet");
      // Folded unless the reader unfolded it: the summary counts what is
      // chosen, and the chips above the results name it.
      box.open = unfolded[name] === true;
    });
  }
  narrow.addEventListener("change", fold);
  if (location.hash === "#filters" || location.hash === "#facets") setOpen(true, false);

  // enhance wires what the swapped parts hold: facet filter boxes, and
  // the facets folded on a phone.
  function enhance() {
    fold();
    facets.querySelectorAll(".facet-filter").forEach(function (box) {
      box.hidden = false;
      box.addEventListener("input", function () {
        var needle = box.value.trim().toLowerCase();
        var set = box.closest("fieldset");
        if (needle) set.querySelectorAll("details.more").forEach(function (d) { d.open = true; });
        set.querySelectorAll("li").forEach(function (li) {
          li.hidden = needle !== "" && li.textContent.toLowerCase().indexOf(needle) < 0;
        });
      });
    });
  }

  q.addEventListener("input", function () {
    clearTimeout(timer);
    if (overLimit()) return;
    timer = setTimeout(function () { search("replace"); }, 180);
  });
  form.addEventListener("change", function (e) {
    if (e.target === q || e.target.classList.contains("facet-filter")) return;
    if (e.target.type === "number" && e.target.value !== "" && e.target.value.length < 4) return;
    search("push");
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    search("push");
  });
  // Links inside the page (chips, pages, the histogram) load in place.
  form.addEventListener("click", function (e) {
    var a = e.target.closest("a");
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    // A link within the page ("Show the works") is followed as it is.
    if ((a.getAttribute("href") || "").charAt(0) === "#") {
      if (a.closest(".filters-done") && narrow.matches) setOpen(false, false);
      return;
    }
    // The attribute, not a.href: a histogram bar is an SVG link, whose
    // href is an SVGAnimatedString, not a URL.
    var u = new URL(a.getAttribute("href") || "", window.location.href);
    if (u.origin !== window.location.origin || u.pathname !== "/") return;
    e.preventDefault();
    load(u.pathname + u.search, "push").then(function () {
      if (a.closest(".pages")) results.scrollIntoView();
      // A spoiler's reveal names the card it shows: the reader stays there.
      var target = u.hash && document.getElementById(decodeURIComponent(u.hash.slice(1)));
      if (target) target.focus();
    });
  });
  // Back and forward load the search they come to. A link within the
  // page ("Skip to results") also fires popstate: the search is the same,
  // and loading it again would replace the element just focused.
  var shown = window.location.pathname + window.location.search;
  window.addEventListener("popstate", function () {
    var url = window.location.pathname + window.location.search;
    if (url === shown) return;
    load(url, null).then(function () {
      var params = new URLSearchParams(window.location.search);
      q.value = params.get("q") || "";
    });
  });
  enhance();
})();
