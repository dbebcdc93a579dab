/* triplec: the register's maps (Leaflet + supercluster), no network beyond this server.
 *
 * #map       the enterprise map: loads compact points ({fields, points: [[id, lat, lon, section]]})
 *            from data-points-url with the filter form's query, clusters them in the browser with
 *            supercluster and draws only the clusters and points in view.
 * #mini-map  the small location map on an enterprise's page.
 *
 * Both draw Natural Earth country outlines (vendored TopoJSON) on a plain background, so the map is
 * readable without any tile server; an optional tile layer (TRIPLEC_TILE_URL) is added on top and
 * dropped, with a note, when its tiles fail to load.
 */
(function () {
  "use strict";

  var PALETTE = ["#1b6ca8", "#e07b00", "#2e8b57", "#c0392b", "#7d5ba6", "#8c564b", "#d6589f", "#5f6b73",
    "#a8a000", "#0f9fb4", "#3d4b9c", "#5b7a1e", "#b8860b", "#8e2f2f", "#7b4173", "#2a7fd4", "#d35400",
    "#1e8449", "#6c5ce7", "#34495e", "#b03a2e"];
  var NAICS_SECTORS = ["11", "21", "22", "23", "31-33", "42", "44-45", "48-49", "51", "52", "53", "54", "55",
    "56", "61", "62", "71", "72", "81", "92"];

  /* A stable colour per top-level sector: ISIC/NACE letters A..U and NAICS sectors by position. */
  function sectionColor(section) {
    if (!section) { return "#5f6b73"; }
    if (/^[A-U]$/.test(section)) { return PALETTE[section.charCodeAt(0) - 65]; }
    var i = NAICS_SECTORS.indexOf(section);
    if (i >= 0) { return PALETTE[i]; }
    var h = 0;
    for (var k = 0; k < section.length; k++) { h = (h * 31 + section.charCodeAt(k)) >>> 0; }
    return PALETTE[h % PALETTE.length];
  }

  function noteControl(map) {
    var Note = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: function () {
        var div = L.DomUtil.create("div", "map-note");
        div.hidden = true;
        return div;
      }
    });
    var control = new Note();
    control.addTo(map);
    return {
      show: function (text) { var el = control.getContainer(); el.textContent = text; el.hidden = false; }
    };
  }

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
    var outlineStyle = { color: "#9aa7b2", weight: 0.8, fillColor: "#fbfaf6", fillOpacity: tileUrl ? 0 : 1 };
    var outlines = null;
    if (el.dataset.outline && window.topojson) {
      fetch(el.dataset.outline, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (topo) {
          var countries = topojson.feature(topo, topo.objects.countries);
          countries.features.forEach(function (f) { unwrapGeometry(f.geometry); });
          outlines = L.geoJSON(countries, {
            pane: "outline", interactive: false, style: outlineStyle
          }).addTo(map);
        })
        .catch(function () { /* outlines are decoration: the points still show */ });
    }
    if (!tileUrl) { return; }
    var loaded = 0, failed = 0;
    var tiles = L.tileLayer(tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 });
    tiles.on("tileload", function () { loaded++; });
    tiles.on("tileerror", function () {
      failed++;
      if (loaded === 0 && failed >= 3 && map.hasLayer(tiles)) {
        map.removeLayer(tiles);
        outlineStyle.fillOpacity = 1;
        if (outlines) { outlines.setStyle(outlineStyle); }
        if (note) { note.show(el.dataset.msgTilesFailed || "Tile server unreachable."); }
      }
    });
    tiles.addTo(map);
  }

  /* Bounds of the middle 99% of points, so a few far-away records do not zoom the map out to the world. */
  function robustBounds(points) {
    var lats = points.map(function (p) { return p[1]; }).sort(function (a, b) { return a - b; });
    var lons = points.map(function (p) { return p[2]; }).sort(function (a, b) { return a - b; });
    var lo = Math.floor(0.005 * (lats.length - 1)), hi = Math.ceil(0.995 * (lats.length - 1));
    return L.latLngBounds([lats[lo], lons[lo]], [lats[hi], lons[hi]]);
  }

  function abbreviate(n) {
    if (n >= 10000) { return Math.round(n / 1000) + "k"; }
    if (n >= 1000) { return (n / 1000).toFixed(1) + "k"; }
    return String(n);
  }

  function formatCount(template, n) {
    return template.replace("{n}", n.toLocaleString()).replace("{m}", n.toLocaleString());
  }

  function initRegisterMap(el) {
    var map = L.map(el, { minZoom: 2, maxZoom: 18, zoomSnap: 1, worldCopyJump: true }).setView([20, 0], 2);
    var note = noteControl(map);
    L.control.scale({ imperial: false }).addTo(map);
    addBackground(map, el, note);
    var layer = L.layerGroup().addTo(map);
    var status = document.getElementById("map-status");
    var legend = document.getElementById("map-legend");
    var form = document.getElementById("filters");
    var listLink = document.getElementById("list-link");
    var state = { index: null, data: null, request: 0 };
    window.triplecMap = { map: map, state: state };

    function popupFor(id, latlng) {
      var url = el.dataset.popupUrl.replace(/\/0\/popup\/$/, "/" + id + "/popup/");
      var popup = L.popup({ maxWidth: 280 }).setLatLng(latlng).setContent("…").openOn(map);
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
        .then(function (html) { popup.setContent(html); })
        .catch(function () { popup.setContent(el.dataset.msgError || "Error"); });
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
          // Clusters are focusable buttons: Enter or Space opens them too.
          marker.getElement().addEventListener("keydown", function (ev) {
            if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); expand(); }
          });
        } else {
          var point = L.circleMarker(latlng, {
            radius: 6, weight: 1.5, color: "#ffffff", fillColor: sectionColor(item.properties.s),
            fillOpacity: 0.95, className: "map-point"
          });
          point.on("click", function () { popupFor(item.properties.id, latlng); });
          layer.addLayer(point);
        }
      });
    }

    function drawLegend(data) {
      if (!legend) { return; }
      var counts = {};
      data.points.forEach(function (p) { counts[p[3]] = (counts[p[3]] || 0) + 1; });
      var rows = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; }).slice(0, 12);
      legend.textContent = "";
      rows.forEach(function (section) {
        var item = document.createElement("span");
        item.className = "legend-item";
        var dot = document.createElement("i");
        dot.style.background = sectionColor(section);
        item.appendChild(dot);
        var label = (data.sections && data.sections[section]) || "";
        item.appendChild(document.createTextNode(section + (label ? " " + label : "") + " (" +
          counts[section].toLocaleString() + ")"));
        legend.appendChild(item);
      });
    }

    function load(query) {
      var ticket = ++state.request;
      if (status) { status.textContent = el.dataset.msgLoading || "Loading…"; }
      var url = el.dataset.pointsUrl + (query ? "?" + query : "");
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
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
          // Without tiles a close-up shows a blank land: stop where the outlines still give context.
          var closest = el.dataset.tileUrl ? 13 : 8;
          if (data.points.length === 1) {
            map.setView([data.points[0][1], data.points[0][2]], closest);
          } else if (data.points.length > 1) {
            map.fitBounds(robustBounds(data.points), { padding: [20, 20], maxZoom: closest });
          }
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
    var map = L.map(el, { scrollWheelZoom: false, minZoom: 2, maxZoom: 18 }).setView(latlng, 6);
    L.control.scale({ imperial: false }).addTo(map);
    addBackground(map, el, noteControl(map));
    L.circleMarker(latlng, { radius: 8, weight: 2, color: "#ffffff", fillColor: "#c0392b", fillOpacity: 1,
                             className: "map-point" }).addTo(map);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var big = document.getElementById("map");
    if (big && big.dataset.pointsUrl) { initRegisterMap(big); }
    var mini = document.getElementById("mini-map");
    if (mini) { initMiniMap(mini); }
  });
})();
