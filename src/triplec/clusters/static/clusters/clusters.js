/* triplec: the clusters pages' own behaviour, no network beyond this server.
 *
 * #run-map      a mapping run's footprints (polygons by sector) and the establishments of their sectors,
 *               loaded from data-url ({footprints: GeoJSON, points: [[lat, lon, sector, inFootprint]],
 *               sectors: [{code, name}], in_lonlat, truncated}).
 * #cluster-map  a cluster record's footprints over time (GeoJSON in the #cluster-footprints script) and
 *               the establishments of the latest one ([lat, lon] in #cluster-points).
 *
 * The background (offline country outlines, optional tiles), fitting, legend, escaping and keyboard
 * access come from the shared web/basemap.js (global `triplecBasemap`), loaded before this file on the
 * pages with a map. Forms with data-confirm ask first through web/site.js (every page).
 */
(function () {
  "use strict";

  var LATEST = "#D55E00", EARLIER = "#0072B2";   // Okabe & Ito vermilion and blue

  function cardTitle(el) {
    var title = el.closest("article") && el.closest("article").querySelector("header strong");
    return title ? title.textContent.trim() : "";
  }

  // A message of the page (data-msg-* on the map's element, in the reader's language) with {n} filled in;
  // the English text when the page has none.
  function msg(el, key, fallback, n) {
    var template = (el && el.dataset[key]) || fallback;
    return n === undefined ? template : template.replace("{n}", n);
  }

  function nearText(el, place) {
    return place ? msg(el, "msgNear", "near {place}").replace("{place}", place) : "";
  }

  function footprintPopup(el, props, name, anchor, near) {
    var basemap = window.triplecBasemap, text = basemap.element, fmt = basemap.formatNumber;
    var box = text("div", null, "map-popup");
    box.appendChild(text("strong", props.id));
    box.appendChild(document.createElement("br"));
    box.appendChild(text("span", props.sector + (name ? " " + name : "")));
    if (near) {   // the main city the footprint is in (shipped GeoNames data), so an officer knows where
      box.appendChild(document.createElement("br"));
      box.appendChild(text("em", nearText(el, near), "footprint-near"));
    }
    var facts = document.createElement("div");
    facts.appendChild(text("span", msg(el, "msgEstablishments", "{n} establishments", fmt(props.count))));
    if (props.employment !== null && props.employment !== undefined) {
      facts.appendChild(text("span", " · " + msg(el, "msgEmployed", "{n} employed", fmt(props.employment))));
    }
    facts.appendChild(text("span", " · " + fmt(props.area_km2) + " km²"));
    box.appendChild(facts);
    if (props.regions && props.regions.length) {
      box.appendChild(text("small", props.regions.slice(0, 6).join(", ") + (props.regions.length > 6 ? "…" : "")));
    }
    var link = text("a", msg(el, "msgGoto", "Go to the footprint ↓"));
    link.href = "#" + anchor;
    box.appendChild(document.createElement("br"));
    box.appendChild(link);
    return box;
  }

  function initRunMap(el) {
    var basemap = window.triplecBasemap;
    var created = basemap.createMap(el, { label: cardTitle(el) });   // SVG footprints, canvas dots
    var map = created.map, note = created.note;
    window.triplecRunMap = map;
    basemap.getJSON(el.dataset.url)
      .then(function (data) {
        var features = data.footprints.features || [];
        if (!data.in_lonlat) { note.show(el.dataset.msgProjected); el.dataset.loaded = "true"; return; }
        if (!features.length) { note.show(el.dataset.msgEmpty); el.dataset.loaded = "true"; return; }
        var names = {};
        data.sectors.forEach(function (s) { names[s.code] = s.name; });
        var colour = basemap.colourScale(data.sectors.map(function (s) { return s.code; }), basemap.PALETTES.okabeTol,
                                         { unknown: basemap.NEUTRAL });
        var renderer = L.canvas({ padding: 0.3 });
        data.points.forEach(function (p) {
          L.circleMarker([p[0], p[1]], {
            renderer: renderer, radius: p[3] ? 3 : 2.2, weight: p[3] ? 0.8 : 0, color: "#ffffff",
            fillColor: colour(p[2]), fillOpacity: p[3] ? 0.95 : 0.45, interactive: false
          }).addTo(map);
        });
        var polygons = L.geoJSON(data.footprints, {
          style: function (f) {
            var c = colour(f.properties.sector);
            return { color: c, weight: 2, opacity: 0.95, fillColor: c, fillOpacity: 0.16, className: "footprint" };
          },
          onEachFeature: function (f, layer) {
            layer.bindPopup(footprintPopup(el, f.properties, names[f.properties.sector], data.anchors[f.properties.id],
                                          (data.near || {})[f.properties.id]), { maxWidth: 300 });
            layer.bindTooltip(basemap.element("span", f.properties.id), { sticky: true });
          }
        }).addTo(map);
        // A marker at each footprint's centre keeps small footprints visible when zoomed out; it is also
        // the keyboard's way to the footprint's popup (the polygon is, for a footprint without a centre).
        polygons.eachLayer(function (layer) {
          var p = layer.feature.properties;
          var label = p.id + " · " + p.sector + (names[p.sector] ? " " + names[p.sector] : "");
          if (p.centroid_lat === null || p.centroid_lon === null) {
            basemap.focusable(map, layer, function () { layer.openPopup(); }, { label: label, key: p.id });
            return;
          }
          basemap.skipFocus(layer);
          var marker = L.circleMarker([p.centroid_lat, p.centroid_lon], {
            radius: 7, weight: 2, color: "#ffffff", fillColor: colour(p.sector), fillOpacity: 1,
            className: "footprint-marker"
          }).bindPopup(footprintPopup(el, p, names[p.sector], data.anchors[p.id], (data.near || {})[p.id]), { maxWidth: 300 })
            .bindTooltip(basemap.element("span", p.id)).addTo(map);
          basemap.focusable(map, marker, function () { marker.openPopup(); }, { label: label, key: p.id });
        });
        basemap.fitTo(map, polygons, { padding: [24, 24], maxZoom: 10 });
        basemap.drawLegend(document.getElementById("run-map-legend"), data.sectors.map(function (s) {
          return { colour: colour(s.code), label: s.code + (s.name ? " " + s.name : "") };
        }));
        if (data.truncated) { note.show(el.dataset.msgTruncated); }
        el.dataset.loaded = "true";
      })
      .catch(function () { note.show(el.dataset.msgError || "Error"); });
  }

  function initClusterMap(el) {
    var basemap = window.triplecBasemap;
    function describe(props) {
      return props.observed + " · " + props.label + " · " +
        msg(el, "msgEstablishments", "{n} establishments", basemap.formatNumber(props.establishments)) +
        (props.near ? " · " + nearText(el, props.near) : "");
    }
    var data = JSON.parse(document.getElementById("cluster-footprints").textContent);
    var map = basemap.createMap(el, { scrollWheelZoom: false }).map;
    var layer = L.geoJSON(data, {
      style: function (f) {
        var latest = f.properties.latest, c = latest ? LATEST : EARLIER;
        return { color: c, weight: latest ? 2.5 : 1.5, dashArray: latest ? null : "5 4",
                 fillColor: c, fillOpacity: latest ? 0.2 : 0.05, className: "footprint" };
      },
      onEachFeature: function (f, l) {
        // The label holds the run's title, typed by a user: text, never HTML.
        l.bindTooltip(basemap.element("span", describe(f.properties)), { sticky: true });
      }
    }).addTo(map);
    layer.eachLayer(function (l) { basemap.focusable(map, l, null, { label: describe(l.feature.properties) }); });
    var points = document.getElementById("cluster-points");
    (points ? JSON.parse(points.textContent) : []).forEach(function (p) {
      L.circleMarker(p, { radius: 2.5, weight: 0, fillColor: "#7a2f00", fillOpacity: 0.8, interactive: false }).addTo(map);
    });
    basemap.fitTo(map, layer, { padding: [20, 20], maxZoom: 10 });
    el.dataset.loaded = "true";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var run = document.getElementById("run-map");
    var ready = window.L && window.triplecBasemap;
    if (run && ready) { initRunMap(run); }
    var cluster = document.getElementById("cluster-map");
    if (cluster && ready) { initClusterMap(cluster); }
  });
})();
