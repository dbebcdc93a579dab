
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var planar = data.mode === "planar";
  var map = L.map("map", planar ? { crs: L.CRS.Simple, minZoom: -20, maxZoom: 8, zoomSnap: 0.25 }
                                : { zoomSnap: 0.25, minZoom: 2, maxZoom: 18 });
  window.tripleCMap = map;
  var canvas = L.canvas({ padding: 0.3 });
  var background = L.layerGroup(), members = L.layerGroup();
  var features = data.footprints.features;
  function esc(s) { var d = document.createElement("div"); d.textContent = s == null ? "" : String(s); return d.innerHTML; }
  var pts = data.points, bounds = [];
  if (pts) {
    for (var i = 0; i < pts.x.length; i++) {
      var f = pts.f[i], ll = L.latLng(pts.y[i], pts.x[i]);
      var inFp = f >= 0;
      var colour = inFp ? features[f].properties.colour : "#6b7280";
      var m = L.circleMarker(ll, { renderer: canvas, radius: inFp ? 3 : 1.6, stroke: inFp, weight: 0.6,
                                   color: "#222", fillColor: colour, fillOpacity: inFp ? 0.95 : 0.45,
                                   interactive: false });
      m.addTo(inFp ? members : background);
      bounds.push(ll);
    }
  }
  function popup(feature) {
    var p = feature.properties, rows = [
      ["sector", esc(p.sector) + (p.label ? " &ndash; " + esc(p.label) : "")],
      ["establishments", p.count], ["employment", p.employment == null ? "unknown" : Math.round(p.employment)],
      ["SME share", p.sme_share == null ? "unknown" : Math.round(100 * p.sme_share) + "%"],
      ["area", p.area_km2.toFixed(1) + " km&sup2;"], ["eps", p.eps_km + " km"]];
    if (p.near) { rows.push(["near", esc(p.near)]); }
    if (p.regions && p.regions.length) {
      rows.push(["covers", esc(p.regions.slice(0, 6).join("; ")) + (p.regions.length > 6 ? " &hellip;" : "")]);
    }
    if (p.co_located && p.co_located.length) {
      rows.push(["co-located", p.co_located.map(function (c) {
        var kd = c.kd_near === true ? " Kd&#10003;" : (c.kd_near === false ? " Kd&#10007;" : "");
        return "<span title='" + esc(c.label) + "'>" + esc(c.sector) + " (" + c.ratio + "&times;)" + kd + "</span>";
      }).join(", ")]);
    }
    return "<b>" + esc(p.id) + "</b><table>" + rows.map(function (r) {
      return "<tr><th style='text-align:left;padding-right:6px'>" + r[0] + "</th><td style='text-align:left'>" + r[1] + "</td></tr>";
    }).join("") + "</table>";
  }
  var footprints = L.geoJSON(data.footprints, {
    style: function (f) { return { color: f.properties.colour, weight: 2, opacity: 0.95, fillOpacity: 0.22 }; },
    onEachFeature: function (f, layer) { layer.bindPopup(popup(f)); layer.bindTooltip(esc(f.properties.id)); }
  });
  var overlays = {};
  if (data.outlines) {
    map.createPane("outlines").style.zIndex = 250;
    var outlines = L.geoJSON(data.outlines, { pane: "outlines", interactive: false,
      style: { color: "#8a8f98", weight: 0.8, fillColor: "#fdfdf8", fillOpacity: 1 } });
    outlines.addTo(map);
    overlays["Country outlines (Natural Earth)"] = outlines;
  }
  if (data.places && window.triplecPlaces) {   // place names and state borders, inlined for offline use
    window.triplecPlaces.add(map, function (path) { return data.places[path] || null; });
  }
  background.addTo(map); footprints.addTo(map); members.addTo(map);
  overlays["Footprints"] = footprints;
  overlays["Establishments in footprints"] = members;
  overlays["Other establishments"] = background;
  if (data.tiles) {
    var tiles = L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution, maxZoom: 18 });
    var warned = false;
    tiles.on("tileerror", function () {
      if (warned) { return; }
      warned = true;
      var msg = document.getElementById("tiles-msg");
      msg.textContent = "Background tiles could not be loaded (offline?); the map works without them.";
      msg.className = "tiles-msg";
    });
    overlays["Background tiles (online only)"] = tiles;
  }
  L.control.layers(null, overlays, { collapsed: false }).addTo(map);
  L.control.scale({ imperial: false, maxWidth: 160 }).addTo(map);
  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "legend"), html = "<b>Footprints by sector</b><br>";
    Object.keys(data.colours).forEach(function (s) {
      html += "<div><i style='background:" + data.colours[s] + "'></i>" + esc(s) +
              (data.labels[s] ? " <span title='" + esc(data.labels[s]) + "'>" + esc(data.labels[s].slice(0, 38)) + "</span>" : "") + "</div>";
    });
    div.innerHTML = features.length ? html : "<b>No footprint</b>";
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  legend.addTo(map);
  var fb = footprints.getBounds();
  // open on the footprints: far-flung stray establishments (e.g. overseas rows) must not shrink them to a dot
  if (fb.isValid()) { map.fitBounds(fb, { padding: [10, 10] }); }
  else if (bounds.length) { map.fitBounds(L.latLngBounds(bounds), { padding: [10, 10] }); }
  else { map.setView(planar ? [0, 0] : [20, 0], planar ? 0 : 2); }

  window.tripleCShowSector = function (sector) {
    var sel = [];
    footprints.eachLayer(function (layer) {
      var on = layer.feature.properties.sector === sector;
      layer.setStyle({ weight: on ? 4 : 1, fillOpacity: on ? 0.4 : 0.08, opacity: on ? 1 : 0.4 });
      if (on) { sel.push(layer.getBounds()); layer.bringToFront(); }
    });
    if (sel.length) {
      var b = sel[0]; sel.slice(1).forEach(function (x) { b.extend(x); });
      map.fitBounds(b, { padding: [30, 30], maxZoom: planar ? 0 : 11 });
      document.getElementById("map").scrollIntoView({ behavior: "smooth", block: "center" });
    }
  };
  document.querySelectorAll("button.show").forEach(function (btn) {
    btn.addEventListener("click", function () { window.tripleCShowSector(btn.getAttribute("data-sector")); });
  });

  // Sortable tables: click a header; numbers sort by value, empty cells last.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th").forEach(function (th, col) {
      th.addEventListener("click", function () {
        var asc = !th.classList.contains("asc");
        table.querySelectorAll("th").forEach(function (h) { h.classList.remove("asc", "desc"); });
        th.classList.add(asc ? "asc" : "desc");
        var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        function key(r) { var c = r.cells[col]; var v = c.getAttribute("data-v"); return v === null ? c.textContent : v; }
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          if (x === "" && y === "") { return 0; } if (x === "") { return 1; } if (y === "") { return -1; }
          var nx = parseFloat(x), ny = parseFloat(y), cmp;
          if (!isNaN(nx) && !isNaN(ny) && /^[-+0-9.eE]+$/.test(x) && /^[-+0-9.eE]+$/.test(y)) { cmp = nx - ny; }
          else { cmp = x.localeCompare(y); }
          return asc ? cmp : -cmp;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
