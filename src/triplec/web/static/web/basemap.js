/* triplec: what every map of the platform shares (Leaflet, vendored), no network beyond this server.
 *
 * Loaded as a plain script after vendor/leaflet/leaflet.js and vendor/topojson-client; it defines the
 * global `triplecBasemap` that the pages' own scripts (registry/map.js, clusters/clusters.js) use:
 *
 *   createMap(el, options)        a Leaflet map on `el` with the offline background (below), a metric scale,
 *                                 a note box and keyboard-friendly popups; returns {map, note}.
 *   addBackground(map, el, note)  Natural Earth country outlines (el.dataset.outline, TopoJSON) on a plain
 *                                 background, and the optional tile layer el.dataset.tileUrl on top, dropped
 *                                 with a note when its first tiles all fail; with el.dataset.places (and
 *                                 web/places.js loaded) the place names and state borders, loaded by zoom.
 *   fitTo(map, target, options)   fit a LatLngBounds, a layer or [[lat, lon], ...] (robust: the middle 99%).
 *   colourScale(domain, palette)  a stable colour per category; PALETTES holds the platform's palettes.
 *   drawLegend(box, items)        a list of coloured dots with text ({colour, label}).
 *   element(tag, text)            a DOM node whose text is never read as HTML: popups and tooltips are
 *                                 built from these, so names typed by users cannot inject markup.
 *   focusable(map, layer, act)    a drawn point reachable with Tab, opened with Enter or Space; a popup
 *                                 it opens takes the focus, Escape closes it and gives the focus back.
 *   skipFocus(layer)              out of the Tab order (another layer stands for it).
 *   getJSON(url), getText(url)    same-origin fetches that fail on an HTTP error.
 */
(function () {
  "use strict";

  var PALETTES = {
    // 21 hues, one per ISIC/NACE section A..U (NAICS sectors take them by position).
    sections: ["#1b6ca8", "#e07b00", "#2e8b57", "#c0392b", "#7d5ba6", "#8c564b", "#d6589f", "#5f6b73",
      "#a8a000", "#0f9fb4", "#3d4b9c", "#5b7a1e", "#b8860b", "#8e2f2f", "#7b4173", "#2a7fd4", "#d35400",
      "#1e8449", "#6c5ce7", "#34495e", "#b03a2e"],
    // Okabe & Ito, then Tol's muted palette: readable for colour-blind people.
    okabeTol: ["#E69F00", "#0072B2", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#882255", "#44AA99",
      "#117733", "#332288", "#AA4499", "#999933", "#661100", "#6699CC", "#F0E442", "#888888"]
  };
  var NEUTRAL = "#5f6b73";
  var OUTLINE_STYLE = { color: "#9aa7b2", weight: 0.8, fillColor: "#fbfaf6" };
  var TILE_FAILURES_BEFORE_GIVING_UP = 3;

  /* Text ------------------------------------------------------------------------------------------- */

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function formatNumber(n, digits) {
    if (n === null || n === undefined || isNaN(n)) { return "—"; }
    return Number(n).toLocaleString(undefined, { maximumFractionDigits: digits || 0 });
  }

  /* Data ------------------------------------------------------------------------------------------- */

  function get(url, parse, accept) {
    var headers = accept ? { Accept: accept } : {};
    return fetch(url, { credentials: "same-origin", headers: headers }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": HTTP " + r.status); }
      return parse(r);
    });
  }

  function getJSON(url) { return get(url, function (r) { return r.json(); }, "application/json"); }
  function getText(url) { return get(url, function (r) { return r.text(); }); }

  /* Colours ---------------------------------------------------------------------------------------- */

  function hashIndex(key, n) {
    var h = 0;
    for (var k = 0; k < key.length; k++) { h = (h * 31 + key.charCodeAt(k)) >>> 0; }
    return h % n;
  }

  /* colour(key) = palette[position of key in domain, wrapping]; a key outside the domain gets
   * options.unknown, or else a palette colour chosen by a hash of the key (stable across pages). */
  function colourScale(domain, palette, options) {
    var position = {};
    domain.forEach(function (key, i) { if (!(key in position)) { position[key] = i; } });
    var unknown = options && options.unknown;
    return function (key) {
      if (key === null || key === undefined || key === "") { return NEUTRAL; }
      key = String(key);
      if (Object.prototype.hasOwnProperty.call(position, key)) { return palette[position[key] % palette.length]; }
      return unknown || palette[hashIndex(key, palette.length)];
    };
  }

  function drawLegend(box, items) {
    if (!box) { return; }
    box.textContent = "";
    box.setAttribute("role", "list");
    items.forEach(function (item) {
      var row = element("span", null, "legend-item");
      row.setAttribute("role", "listitem");
      var dot = element("i");
      dot.style.background = item.colour;
      dot.setAttribute("aria-hidden", "true");
      row.appendChild(dot);
      row.appendChild(document.createTextNode(item.label));
      box.appendChild(row);
    });
  }

  /* Notes shown in a corner of the map (errors, a dropped tile server, truncated data) ------------- */

  function noteControl(map) {
    var Note = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: function () {
        var div = L.DomUtil.create("div", "map-note");
        div.setAttribute("role", "status");
        div.hidden = true;
        return div;
      }
    });
    var control = new Note();
    control.addTo(map);
    return {
      show: function (text) {
        var box = control.getContainer();
        if (!text) { return; }
        for (var i = 0; i < box.children.length; i++) { if (box.children[i].textContent === text) { return; } }
        box.appendChild(element("div", text));
        box.hidden = false;
      }
    };
  }

  /* Background ------------------------------------------------------------------------------------- */

  /* Rings that cross the antimeridian jump from +180 to -180; keep their longitudes continuous so
   * Leaflet does not draw a line across the whole world. */
  function unwrapRing(ring) {
    for (var i = 1; i < ring.length; i++) {
      var d = ring[i][0] - ring[i - 1][0];
      if (d > 180) { ring[i][0] -= 360 * Math.round(d / 360); }
      else if (d < -180) { ring[i][0] += 360 * Math.round(-d / 360); }
    }
  }

  function unwrapGeometry(geometry) {
    if (!geometry) { return; }
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates]
      : (geometry.type === "MultiPolygon" ? geometry.coordinates : []);
    polygons.forEach(function (polygon) { polygon.forEach(unwrapRing); });
  }

  /* Country outlines below everything, then an optional tile layer that removes itself on failure. */
  function addBackground(map, el, note) {
    map.attributionControl.setPrefix("Leaflet");
    map.attributionControl.addAttribution("Outlines: Natural Earth");
    map.createPane("outline");
    map.getPane("outline").style.zIndex = 250;
    map.getPane("outline").style.pointerEvents = "none";
    var tileUrl = el.dataset.tileUrl;
    var style = L.extend({}, OUTLINE_STYLE, { fillOpacity: tileUrl ? 0 : 1 });
    var outlines = null;
    if (el.dataset.outline && window.topojson) {
      getJSON(el.dataset.outline)
        .then(function (topo) {
          var countries = topojson.feature(topo, topo.objects.countries);
          countries.features.forEach(function (f) { unwrapGeometry(f.geometry); });
          outlines = L.geoJSON(countries, { pane: "outline", interactive: false, style: style }).addTo(map);
        })
        .catch(function () { /* outlines are decoration: the data still shows */ });
    }
    if (el.dataset.places && window.triplecPlaces) {   // place names and state borders (web/places.js)
      window.triplecPlaces.add(map, function (path) { return getJSON(el.dataset.places + path); });
    }
    if (!tileUrl) { return; }
    var loaded = 0, failed = 0;
    var tiles = L.tileLayer(tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 });
    tiles.on("tileload", function () { loaded++; });
    tiles.on("tileerror", function () {
      failed++;
      if (loaded === 0 && failed >= TILE_FAILURES_BEFORE_GIVING_UP && map.hasLayer(tiles)) {
        map.removeLayer(tiles);
        style.fillOpacity = 1;
        if (outlines) { outlines.setStyle(style); }
        if (note) {
          note.show(el.dataset.msgTilesFailed || "The background map server cannot be reached; showing country outlines only.");
        }
      }
    });
    tiles.addTo(map);
  }

  /* Keyboard --------------------------------------------------------------------------------------- */

  var keyboardOrigin = null;          // the element whose Enter/Space is being handled (synchronous)
  var popupOrigins = new WeakMap();   // popup -> {node, key} it was opened from with the keyboard
  var wiredPopups = new WeakSet();

  /* Make a drawn layer (circle marker, marker, polygon) of `map` a button in the Tab order: Enter or
   * Space calls `activate`. Without `activate` it is a named graphic one can Tab to (its tooltip shows on
   * focus). options.label names it for screen readers; options.key identifies it across redraws (a
   * redrawn layer with the same key gets the focus back when its popup closes). */
  function focusable(map, layer, activate, options) {
    options = options || {};
    var node = layer.getElement ? layer.getElement() : null;
    if (!node) { return; }
    node.setAttribute("tabindex", "0");
    node.setAttribute("role", activate ? "button" : "img");
    if (options.label) { node.setAttribute("aria-label", options.label); }
    if (options.key !== undefined) { node.setAttribute("data-map-key", String(options.key)); }
    if (!activate) { return; }
    node.addEventListener("keydown", function (ev) {
      if (ev.key !== "Enter" && ev.key !== " ") { return; }
      ev.preventDefault();   // also stops the keypress with which Leaflet would open a bound popup again
      ev.stopPropagation();
      keyboardOrigin = { node: node, key: options.key };
      try { activate(); } finally { keyboardOrigin = null; }
    });
  }

  /* Leaflet lets Chromium focus a layer that has a tooltip (the tooltip shows on focus); keep out of the
   * Tab order a layer that another focusable layer already stands for. */
  function skipFocus(layer) {
    var node = layer.getElement ? layer.getElement() : null;
    if (node) { node.setAttribute("tabindex", "-1"); }
  }

  function focusPopup(popup) {
    var content = popup.getElement() && popup.getElement().querySelector(".leaflet-popup-content");
    if (!content) { return; }
    var target = content.querySelector("a[href], button") || content;
    if (target === content) { content.setAttribute("tabindex", "-1"); }
    target.focus({ preventScroll: true });
  }

  function focusLost(box) {
    var active = document.activeElement;
    return !active || active === document.body || box.contains(active);
  }

  /* Where the focus goes back to: the origin, or its redrawn twin, or the map. */
  function returnFocus(map, origin) {
    var node = origin.node;
    if (!document.contains(node) && origin.key !== undefined) {
      node = map.getContainer().querySelector('[data-map-key="' + CSS.escape(String(origin.key)) + '"]');
    }
    (node && document.contains(node) ? node : map.getContainer()).focus({ preventScroll: true });
  }

  /* A popup opened with the keyboard takes the focus (its first link once its content arrives); Escape
   * closes it, and closing it gives the focus back to where it was opened from. */
  function keyboardPopups(map) {
    map.on("popupopen", function (ev) {
      var popup = ev.popup;
      if (!keyboardOrigin) { popupOrigins.delete(popup); return; }
      popupOrigins.set(popup, keyboardOrigin);
      var box = popup.getElement();
      if (!wiredPopups.has(popup)) {
        wiredPopups.add(popup);
        popup.on("contentupdate", function () {
          // Leaflet hides the popup while it lays out the new content: focus once it is shown again.
          setTimeout(function () { if (popupOrigins.has(popup) && focusLost(box)) { focusPopup(popup); } }, 0);
        });
        box.addEventListener("keydown", function (kev) {
          if (kev.key === "Escape" && popupOrigins.has(popup)) { kev.preventDefault(); map.closePopup(popup); }
        });
      }
      focusPopup(popup);
    });
    map.on("popupclose", function (ev) {
      var origin = popupOrigins.get(ev.popup);
      popupOrigins.delete(ev.popup);
      if (origin && focusLost(ev.popup.getElement())) { returnFocus(map, origin); }
    });
  }

  /* The map ---------------------------------------------------------------------------------------- */

  /* options: any Leaflet map option, plus center/zoom (the world by default), scale (true), label
   * (an accessible name for the map when the page gives it none). */
  function createMap(el, options) {
    options = options || {};
    var leafletOptions = L.extend({ minZoom: 2, maxZoom: 18 }, options);
    ["center", "zoom", "scale", "label"].forEach(function (k) { delete leafletOptions[k]; });
    var map = L.map(el, leafletOptions).setView(options.center || [20, 0], options.zoom || 2);
    if (options.label && !el.hasAttribute("aria-label") && !el.hasAttribute("aria-labelledby")) {
      el.setAttribute("aria-label", options.label);
    }
    // A map one can pan, zoom and open is a named region, not an image (whose content is hidden to
    // assistive technology); role="img" stays right for the page without JavaScript.
    if (el.hasAttribute("aria-label") && (!el.hasAttribute("role") || el.getAttribute("role") === "img")) {
      el.setAttribute("role", "region");
    }
    var note = noteControl(map);
    if (options.scale !== false) { L.control.scale({ imperial: false }).addTo(map); }
    addBackground(map, el, note);
    keyboardPopups(map);
    return { map: map, note: note };
  }

  /* Bounds of the middle `share` (0.99) of the points, so a few far-away records do not zoom the map out
   * to the world: the 0.5% and 99.5% order statistics of latitudes and longitudes taken apart. */
  function robustBounds(latlngs, share) {
    var tail = (1 - (share || 0.99)) / 2;
    var lats = latlngs.map(function (p) { return p[0]; }).sort(function (a, b) { return a - b; });
    var lons = latlngs.map(function (p) { return p[1]; }).sort(function (a, b) { return a - b; });
    var lo = Math.floor(tail * (lats.length - 1)), hi = Math.ceil((1 - tail) * (lats.length - 1));
    return L.latLngBounds([lats[lo], lons[lo]], [lats[hi], lons[hi]]);
  }

  /* Show `target` (LatLngBounds, a layer with getBounds, or [[lat, lon], ...]) at most at options.maxZoom;
   * a single point is centred at that zoom. Returns false when there is nothing to show. The view is set
   * without animation, so it has settled when this returns: a zoom click during Leaflet's zoom animation
   * would be dropped, and pages mark themselves loaded right after. */
  function fitTo(map, target, options) {
    options = options || {};
    var maxZoom = options.maxZoom || 10;
    var bounds;
    if (Array.isArray(target)) {
      if (!target.length) { return false; }
      if (target.length === 1) { map.setView(target[0], maxZoom, { animate: false }); return true; }
      bounds = options.robust ? robustBounds(target) : L.latLngBounds(target);
    } else {
      bounds = target && target.getBounds ? target.getBounds() : target;
    }
    if (!bounds || !bounds.isValid()) { return false; }
    map.fitBounds(bounds, { padding: options.padding || [20, 20], maxZoom: maxZoom, animate: false });
    return true;
  }

  window.triplecBasemap = {
    PALETTES: PALETTES,
    NEUTRAL: NEUTRAL,
    addBackground: addBackground,
    colourScale: colourScale,
    createMap: createMap,
    drawLegend: drawLegend,
    element: element,
    fitTo: fitTo,
    focusable: focusable,
    skipFocus: skipFocus,
    formatNumber: formatNumber,
    getJSON: getJSON,
    getText: getText,
    robustBounds: robustBounds,
    unwrapGeometry: unwrapGeometry
  };
})();
