/* triplec: the register's maps, no network beyond this server.
 *
 * #map       the enterprise map: loads compact points ({fields, points: [[id, lat, lon, section]]})
 *            from data-points-url with the filter form's query, clusters them in the browser with
 *            supercluster and draws only the clusters and points in view.
 * #mini-map  the small location map on an enterprise's page.
 *
 * The background (offline country outlines, optional tiles), fitting, legend and keyboard access come
 * from the shared web/basemap.js (global `triplecBasemap`), loaded before this file.
 */
(function () {
  "use strict";

  var basemap = window.triplecBasemap;
  var NAICS_SECTORS = ["11", "21", "22", "23", "31-33", "42", "44-45", "48-49", "51", "52", "53", "54", "55",
    "56", "61", "62", "71", "72", "81", "92"];
  var isicColour = basemap.colourScale("ABCDEFGHIJKLMNOPQRSTU".split(""), basemap.PALETTES.sections);
  var naicsColour = basemap.colourScale(NAICS_SECTORS, basemap.PALETTES.sections);

  /* A stable colour per top-level sector: ISIC/NACE letters A..U and NAICS sectors by position, other
   * codes by a hash of the code. */
  function sectionColor(section) {
    return /^[A-U]$/.test(section || "") ? isicColour(section) : naicsColour(section);
  }

  function abbreviate(n) {
    if (n >= 10000) { return Math.round(n / 1000) + "k"; }
    if (n >= 1000) { return (n / 1000).toFixed(1) + "k"; }
    return String(n);
  }

  function formatCount(template, n) {
    return template.replace("{n}", n.toLocaleString()).replace("{m}", n.toLocaleString());
  }

  function pageTitle() {
    var h1 = document.querySelector("h1");
    return h1 ? h1.textContent.trim() : "";
  }

  function initRegisterMap(el) {
    var map = basemap.createMap(el, { worldCopyJump: true, zoomSnap: 1, label: pageTitle() }).map;
    var layer = L.layerGroup().addTo(map);
    var status = document.getElementById("map-status");
    var legend = document.getElementById("map-legend");
    var form = document.getElementById("filters");
    var listLink = document.getElementById("list-link");
    var state = { index: null, data: null, request: 0 };
    window.triplecMap = { map: map, state: state };
    if (status) { el.setAttribute("aria-describedby", status.id); }

    function popupFor(id, latlng) {
      var url = el.dataset.popupUrl.replace(/\/0\/popup\/$/, "/" + id + "/popup/");
      var popup = L.popup({ maxWidth: 280 }).setLatLng(latlng).setContent("…").openOn(map);
      basemap.getText(url)
        .then(function (html) { popup.setContent(html); })   // rendered (and escaped) by the server
        .catch(function () { popup.setContent(basemap.element("span", el.dataset.msgError || "Error")); });
    }

    function render() {
      if (!state.index) { return; }
      var b = map.getBounds();
      var west = b.getWest(), east = b.getEast();
      var bbox = (east - west >= 360) ? [-180, -85, 180, 85]
        : [Math.max(-180, west), Math.max(-85, b.getSouth()), Math.min(180, east), Math.min(85, b.getNorth())];
      if (west < -180 && east - west < 360) { bbox[0] = -180; }   // view crosses the antimeridian
      if (east > 180 && east - west < 360) { bbox[2] = 180; }
      var items = state.index.getClusters(bbox, Math.round(map.getZoom()));
      var focused = document.activeElement;
      var hadFocus = focused && focused !== el && el.contains(focused) && focused.hasAttribute("data-map-item");
      var focusedKey = hadFocus ? focused.getAttribute("data-map-key") : null;
      layer.clearLayers();
      items.forEach(function (item) {
        var c = item.geometry.coordinates, latlng = [c[1], c[0]];
        if (item.properties.cluster) {
          var n = item.properties.point_count;
          var size = n < 100 ? "s" : (n < 1000 ? "m" : "l");
          var px = size === "s" ? 34 : (size === "m" ? 42 : 52);
          var marker = L.marker(latlng, {
            icon: L.divIcon({ html: "<span>" + abbreviate(n) + "</span>", className: "cluster cluster-" + size,
                              iconSize: [px, px] }),
            title: n.toLocaleString(), keyboard: true
          });
          var expand = function () {
            map.setView(latlng, Math.min(state.index.getClusterExpansionZoom(item.properties.cluster_id), 18));
          };
          marker.on("click", expand);
          layer.addLayer(marker);
          basemap.focusable(map, marker, expand);   // clusters are buttons: Enter or Space opens them too
        } else {
          var point = L.circleMarker(latlng, {
            radius: 6, weight: 1.5, color: "#ffffff", fillColor: sectionColor(item.properties.s),
            fillOpacity: 0.95, className: "map-point"
          });
          var open = function () { popupFor(item.properties.id, latlng); };
          point.on("click", open);
          layer.addLayer(point);
          basemap.focusable(map, point, open, { label: sectionName(item.properties.s), key: item.properties.id });
        }
      });
      layer.eachLayer(function (drawn) { drawn.getElement().setAttribute("data-map-item", ""); });
      if (hadFocus && !el.contains(document.activeElement)) { refocus(focusedKey); }
    }

    /* The focused point or cluster was drawn again (the view moved): focus the same point, or else the
     * item nearest the centre (after a cluster opened with the keyboard: one of its parts). */
    function refocus(key) {
      var best = null, bestDistance = Infinity, centre = map.getCenter();
      layer.eachLayer(function (drawn) {
        var node = drawn.getElement();
        var distance = key !== null && node.getAttribute("data-map-key") === key ? -1 : centre.distanceTo(drawn.getLatLng());
        if (distance < bestDistance) { best = node; bestDistance = distance; }
      });
      (best || el).focus({ preventScroll: true });
    }

    function sectionName(section) {
      var label = (state.data && state.data.sections && state.data.sections[section]) || "";
      return (section || "") + (label ? " " + label : "");
    }

    function drawLegend(data) {
      var counts = {};
      data.points.forEach(function (p) { counts[p[3]] = (counts[p[3]] || 0) + 1; });
      var rows = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; }).slice(0, 12);
      basemap.drawLegend(legend, rows.map(function (section) {
        return { colour: sectionColor(section), label: sectionName(section) + " (" + counts[section].toLocaleString() + ")" };
      }));
    }

    function load(query) {
      var ticket = ++state.request;
      if (status) { status.textContent = el.dataset.msgLoading || "Loading…"; }
      basemap.getJSON(el.dataset.pointsUrl + (query ? "?" + query : ""))
        .then(function (data) {
          if (ticket !== state.request) { return; }   // a newer filter answered first
          var features = new Array(data.points.length);
          for (var i = 0; i < data.points.length; i++) {
            var p = data.points[i];
            features[i] = { type: "Feature", properties: { id: p[0], s: p[3] },
                            geometry: { type: "Point", coordinates: [p[2], p[1]] } };
          }
          state.index = new Supercluster({ radius: 60, maxZoom: 16 }).load(features);
          state.data = data;
          if (status) {
            var text = (data.count === 1 && el.dataset.msgCountOne) ? el.dataset.msgCountOne
              : formatCount(el.dataset.msgCount || "{n}", data.count);
            if (data.without_coordinates) {
              text += " · " + formatCount(el.dataset.msgMissing || "{m}", data.without_coordinates);
            }
            status.textContent = text;
          }
          drawLegend(data);
          // Without tiles a close-up keeps its context from the place names and state borders (web/places.js).
          basemap.fitTo(map, data.points.map(function (p) { return [p[1], p[2]]; }),
                        { robust: true, maxZoom: el.dataset.tileUrl ? 13 : 11 });
          render();
          el.dataset.loaded = "true";
        })
        .catch(function () { if (status) { status.textContent = el.dataset.msgError || "Error"; } });
    }

    function currentQuery() {
      var params = new URLSearchParams();
      new FormData(form).forEach(function (value, key) { if (value !== "") { params.append(key, value); } });
      return params.toString();
    }

    function applyFilters() {
      var query = currentQuery();
      history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
      if (listLink) { listLink.href = listLink.href.split("?")[0] + (query ? "?" + query : ""); }
      load(query);
    }

    map.on("moveend", render);
    if (form) {
      var timer = null;
      form.addEventListener("submit", function (ev) { ev.preventDefault(); applyFilters(); });
      form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(applyFilters, 150); });
      form.addEventListener("input", function (ev) {
        if (ev.target.type === "search") { clearTimeout(timer); timer = setTimeout(applyFilters, 500); }
      });
      load(currentQuery());
    } else {
      load(window.location.search.replace(/^\?/, ""));
    }
  }

  function initMiniMap(el) {
    var latlng = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
    var map = basemap.createMap(el, { scrollWheelZoom: false, center: latlng, zoom: 6 }).map;
    L.circleMarker(latlng, { radius: 8, weight: 2, color: "#ffffff", fillColor: "#c0392b", fillOpacity: 1,
                             className: "map-point", interactive: false }).addTo(map);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.L) { return; }
    var big = document.getElementById("map");
    if (big && big.dataset.pointsUrl) { initRegisterMap(big); }
    var mini = document.getElementById("mini-map");
    if (mini) { initMiniMap(mini); }
  });
})();
