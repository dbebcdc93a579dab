/* triplec: maps of the clusters pages (Leaflet, vendored), no network beyond this server.
 *
 * #run-map      a mapping run's footprints (polygons by sector) and the establishments of their sectors,
 *               loaded from data-url ({footprints: GeoJSON, points: [[lat, lon, sector, inFootprint]],
 *               sectors: [{code, name}], in_lonlat, truncated}).
 * #cluster-map  a cluster record's footprints over time (GeoJSON in the #cluster-footprints script) and
 *               the establishments of the latest one ([lat, lon] in #cluster-points).
 *
 * Like the register's map, the background is the vendored Natural Earth country outlines, so the maps
 * work without a tile server; an optional tile layer (TRIPLEC_TILE_URL) is dropped when it fails.
 */
(function () {
  "use strict";

  // Okabe & Ito, then Tol's muted palette: readable for colour-blind people.
  var PALETTE = ["#E69F00", "#0072B2", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#882255", "#44AA99",
    "#117733", "#332288", "#AA4499", "#999933", "#661100", "#6699CC", "#F0E442", "#888888"];

  function note(map, text) {
    var Note = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: function () { var div = L.DomUtil.create("div", "map-note"); div.textContent = text; return div; }
    });
    new Note().addTo(map);
  }

  /* Rings that cross the antimeridian jump from +180 to -180; keep their longitudes continuous so
   * Leaflet does not draw a line across the whole world (as the register's map does). */
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

  function addBackground(map, el) {
    map.attributionControl.setPrefix("Leaflet");
    map.attributionControl.addAttribution("Outlines: Natural Earth");
    map.createPane("outline");
    map.getPane("outline").style.zIndex = 250;
    map.getPane("outline").style.pointerEvents = "none";
    var tileUrl = el.dataset.tileUrl;
    var style = { color: "#9aa7b2", weight: 0.8, fillColor: "#fbfaf6", fillOpacity: tileUrl ? 0 : 1 };
    var outlines = null;
    if (el.dataset.outline && window.topojson) {
      fetch(el.dataset.outline, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (topo) {
          var countries = topojson.feature(topo, topo.objects.countries);
          countries.features.forEach(function (f) { unwrapGeometry(f.geometry); });
          outlines = L.geoJSON(countries, { pane: "outline", interactive: false, style: style }).addTo(map);
        })
        .catch(function () { /* decoration only */ });
    }
    if (!tileUrl) { return; }
    var loaded = 0, failed = 0;
    var tiles = L.tileLayer(tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 });
    tiles.on("tileload", function () { loaded++; });
    tiles.on("tileerror", function () {
      failed++;
      if (loaded === 0 && failed >= 3 && map.hasLayer(tiles)) {
        map.removeLayer(tiles);
        style.fillOpacity = 1;
        if (outlines) { outlines.setStyle(style); }
      }
    });
    tiles.addTo(map);
  }

  function text(tag, content, cls) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    node.textContent = content;
    return node;
  }

  function fmt(n, digits) {
    if (n === null || n === undefined || isNaN(n)) { return "—"; }
    return Number(n).toLocaleString(undefined, { maximumFractionDigits: digits || 0 });
  }

  function footprintPopup(props, name) {
    var box = document.createElement("div");
    box.className = "map-popup";
    box.appendChild(text("strong", props.id));
    box.appendChild(document.createElement("br"));
    box.appendChild(text("span", props.sector + (name ? " " + name : "")));
    var facts = document.createElement("div");
    facts.appendChild(text("span", fmt(props.count) + " establishments"));
    if (props.employment !== null && props.employment !== undefined) {
      facts.appendChild(text("span", " · " + fmt(props.employment) + " employed"));
    }
    facts.appendChild(text("span", " · " + fmt(props.area_km2) + " km²"));
    box.appendChild(facts);
    if (props.regions && props.regions.length) {
      box.appendChild(text("small", props.regions.slice(0, 6).join(", ") + (props.regions.length > 6 ? "…" : "")));
    }
    var link = text("a", "Go to the footprint ↓");
    link.href = "#footprint-" + props.id;
    box.appendChild(document.createElement("br"));
    box.appendChild(link);
    return box;
  }

  function legend(el, sectors, colours) {
    if (!el) { return; }
    el.textContent = "";
    sectors.forEach(function (s) {
      var item = document.createElement("span");
      item.className = "legend-item";
      var dot = document.createElement("i");
      dot.style.background = colours[s.code];
      item.appendChild(dot);
      item.appendChild(document.createTextNode(s.code + (s.name ? " " + s.name : "")));
      el.appendChild(item);
    });
  }

  function initRunMap(el) {
    var map = L.map(el, { minZoom: 2, maxZoom: 18 }).setView([20, 0], 2);  // SVG footprints, canvas dots
    addBackground(map, el);
    window.triplecRunMap = map;
    fetch(el.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var features = data.footprints.features || [];
        if (!data.in_lonlat) { note(map, el.dataset.msgProjected); el.dataset.loaded = "true"; return; }
        if (!features.length) { note(map, el.dataset.msgEmpty); el.dataset.loaded = "true"; return; }
        var colours = {}, names = {};
        data.sectors.forEach(function (s, i) { colours[s.code] = PALETTE[i % PALETTE.length]; names[s.code] = s.name; });
        var renderer = L.canvas({ padding: 0.3 });
        data.points.forEach(function (p) {
          L.circleMarker([p[0], p[1]], {
            renderer: renderer, radius: p[3] ? 3 : 2.2, weight: p[3] ? 0.8 : 0, color: "#ffffff",
            fillColor: colours[p[2]] || "#888", fillOpacity: p[3] ? 0.95 : 0.45, interactive: false
          }).addTo(map);
        });
        var polygons = L.geoJSON(data.footprints, {
          style: function (f) {
            var c = colours[f.properties.sector] || "#444";
            return { color: c, weight: 2, opacity: 0.95, fillColor: c, fillOpacity: 0.16, className: "footprint" };
          },
          onEachFeature: function (f, layer) {
            layer.bindPopup(footprintPopup(f.properties, names[f.properties.sector]), { maxWidth: 300 });
            layer.bindTooltip(f.properties.id, { sticky: true });
          }
        }).addTo(map);
        // A marker at each footprint's centre keeps small footprints visible when zoomed out.
        features.forEach(function (f) {
          var p = f.properties;
          if (p.centroid_lat === null || p.centroid_lon === null) { return; }
          L.circleMarker([p.centroid_lat, p.centroid_lon], {
            radius: 7, weight: 2, color: "#ffffff", fillColor: colours[p.sector] || "#444", fillOpacity: 1,
            className: "footprint-marker"
          }).bindPopup(footprintPopup(p, names[p.sector]), { maxWidth: 300 }).bindTooltip(p.id).addTo(map);
        });
        map.fitBounds(polygons.getBounds(), { padding: [24, 24], maxZoom: 10 });
        legend(document.getElementById("run-map-legend"), data.sectors, colours);
        if (data.truncated) { note(map, el.dataset.msgTruncated); }
        el.dataset.loaded = "true";
      })
      .catch(function () { note(map, el.dataset.msgError || "Error"); });
  }

  function initClusterMap(el) {
    var data = JSON.parse(document.getElementById("cluster-footprints").textContent);
    var map = L.map(el, { minZoom: 2, maxZoom: 18, scrollWheelZoom: false }).setView([20, 0], 2);
    addBackground(map, el);
    var layer = L.geoJSON(data, {
      style: function (f) {
        var latest = f.properties.latest;
        return { color: latest ? "#D55E00" : "#0072B2", weight: latest ? 2.5 : 1.5, dashArray: latest ? null : "5 4",
                 fillColor: latest ? "#D55E00" : "#0072B2", fillOpacity: latest ? 0.2 : 0.05, className: "footprint" };
      },
      onEachFeature: function (f, l) {
        l.bindTooltip(f.properties.observed + " · " + f.properties.label + " · " + fmt(f.properties.establishments) +
                      " establishments", { sticky: true });
      }
    }).addTo(map);
    var points = document.getElementById("cluster-points");
    (points ? JSON.parse(points.textContent) : []).forEach(function (p) {
      L.circleMarker(p, { radius: 2.5, weight: 0, fillColor: "#7a2f00", fillOpacity: 0.8, interactive: false }).addTo(map);
    });
    map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 10 });
    el.dataset.loaded = "true";
  }

  // Forms that undo something ask first (data-confirm holds the question).
  document.addEventListener("submit", function (ev) {
    var question = ev.target.dataset && ev.target.dataset.confirm;
    if (question && !window.confirm(question)) { ev.preventDefault(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var run = document.getElementById("run-map");
    if (run && window.L) { initRunMap(run); }
    var cluster = document.getElementById("cluster-map");
    if (cluster && window.L) { initClusterMap(cluster); }
  });
})();
