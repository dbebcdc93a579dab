/* triplec: place names and state borders on a Leaflet map, offline (vendor/places: GeoNames cities, CC BY
 * 4.0; Natural Earth admin-1 borders, public domain). Used by basemap.js on the platform's maps and
 * inlined into the offline HTML report of `triplec map`.
 *
 *   triplecPlaces.add(map, load)   load(path) -> Promise of the JSON file at `path` under vendor/places
 *                                  (or null); files are asked for only when the view needs them:
 *                                  countries.json and cities-major.json at once, a country's admin-1 borders
 *                                  (admin1/<ISO3>.json) from zoom 4 and its cities (cities/<ISO2>.json)
 *                                  from zoom 6, for the countries in view.
 *
 * Labels by zoom: countries up to 5, states and regions from 4 to 9, cities by population (2 million at
 * zoom 4 down to every town of 15,000 from zoom 9); labels that would overlap a more important one are left
 * out. Styles are set from here (no stylesheet needed, nothing inline in the page's HTML).
 */
(function () {
  "use strict";

  var BORDER_STYLE = { color: "#8d7b9c", weight: 0.9, opacity: 0.8, dashArray: "4 3", fill: false };
  var MAX_LABELS = 220;
  var MAX_COUNTRIES_LOADED = 12;

  function cityThreshold(zoom) {
    if (zoom < 4) { return Infinity; }
    return [2e6, 1e6, 3e5, 1e5, 4e4][zoom - 4] || 0;
  }

  function intersects(bbox, bounds) {   // bbox [w, s, e, n]
    return !(bbox[2] < bounds.getWest() || bbox[0] > bounds.getEast() ||
             bbox[3] < bounds.getSouth() || bbox[1] > bounds.getNorth());
  }

  // Country names in the page's language from the browser's own CLDR data ("Brasil" on a pt-br page);
  // the shipped GeoNames name (English) where the browser has none.
  var regionNames = null;
  try { regionNames = new Intl.DisplayNames([document.documentElement.lang || "en"], { type: "region" }); }
  catch (e) { regionNames = null; }
  function countryName(iso2, fallback) {
    try { return (regionNames && regionNames.of(iso2)) || fallback; } catch (e) { return fallback; }
  }

  function countryInView(country, bounds) {   // any of its sizeable parts
    return (country.boxes || [country.bbox]).some(function (box) { return intersects(box, bounds); });
  }

  function labelNode(text, kind) {
    var outer = document.createElement("div");
    var inner = document.createElement("span");
    inner.className = "place-label place-" + kind;
    inner.textContent = text;
    var s = inner.style;
    s.position = "absolute";
    s.whiteSpace = "nowrap";
    s.pointerEvents = "none";
    s.fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
    s.textShadow = "0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff";
    if (kind === "city") {
      s.left = "-3px";
      s.top = "-7px";
      s.fontSize = "11px";
      s.color = "#222";
      var dot = document.createElement("i");
      dot.style.cssText = "";
      dot.style.display = "inline-block";
      dot.style.width = "5px";
      dot.style.height = "5px";
      dot.style.borderRadius = "50%";
      dot.style.background = "#333";
      dot.style.marginRight = "3px";
      dot.style.verticalAlign = "middle";
      inner.insertBefore(dot, inner.firstChild);
    } else {
      s.transform = "translate(-50%, -50%)";
      s.textTransform = kind === "country" ? "uppercase" : "none";
      s.letterSpacing = kind === "country" ? "0.08em" : "0";
      s.fontSize = kind === "country" ? "11px" : "10px";
      s.color = kind === "country" ? "#555" : "#6b5a7a";
      s.fontStyle = kind === "state" ? "italic" : "normal";
    }
    outer.appendChild(inner);
    return outer;
  }

  function add(map, load) {
    if (!window.L || !load) { return null; }
    map.createPane("placeBorders");
    map.getPane("placeBorders").style.zIndex = 260;
    map.getPane("placeBorders").style.pointerEvents = "none";
    map.createPane("placeLabels");
    map.getPane("placeLabels").style.zIndex = 450;
    map.getPane("placeLabels").style.pointerEvents = "none";
    if (map.attributionControl) {
      map.attributionControl.addAttribution("Places: GeoNames (CC BY 4.0), Natural Earth");
    }
    var state = { countries: [], major: [], admin1: {}, cities: {}, asked: {} };
    var labels = L.layerGroup().addTo(map);
    var borders = L.layerGroup().addTo(map);
    var container = map.getContainer();

    function ask(path, store, key, use) {
      if (state.asked[path]) { return; }
      state.asked[path] = true;
      Promise.resolve(load(path)).then(function (data) {
        if (!data) { return; }
        store[key] = use(data);
        update();
      }).catch(function () { /* place names are decoration: the map still works without them */ });
    }

    function loadAdmin1(country) {
      ask("admin1/" + country.iso3 + ".json", state.admin1, country.iso3, function (topo) {
        if (!window.topojson) { return { features: [] }; }
        var collection = topojson.feature(topo, topo.objects.admin1);
        var inner = topojson.mesh(topo, topo.objects.admin1, function (a, b) { return a !== b; });
        L.geoJSON(inner, { pane: "placeBorders", interactive: false, style: BORDER_STYLE }).addTo(borders);
        return { features: collection.features.map(function (f) {
          return { name: f.properties.name, lon: f.properties.label[0], lat: f.properties.label[1] };
        }) };
      });
    }

    function loadCities(country) {
      ask("cities/" + country.iso2 + ".json", state.cities, country.iso2, function (data) {
        return data.cities.map(function (c) {
          return { name: c[0], lat: c[1], lon: c[2], pop: c[3], state: c[4] >= 0 ? data.admin1[c[4]] : "" };
        });
      });
    }

    function candidates(zoom, view) {
      var out = [];
      var threshold = cityThreshold(zoom);
      if (zoom <= 5) {
        state.countries.forEach(function (c) {
          if (countryInView(c, view)) { out.push({ text: c.name, lat: c.label[1], lon: c.label[0], kind: "country", rank: 3e9 + c.population }); }
        });
      }
      var seen = {};
      function city(c) {
        var key = c.name + "|" + c.lat + "|" + c.lon;
        if (c.pop < threshold || seen[key] || !view.contains([c.lat, c.lon])) { return; }
        seen[key] = true;
        out.push({ text: c.name, lat: c.lat, lon: c.lon, kind: "city", rank: c.pop >= 1e6 ? 2e9 + c.pop : c.pop });
      }
      state.major.forEach(city);
      Object.keys(state.cities).forEach(function (k) { state.cities[k].forEach(city); });
      if (zoom >= 4 && zoom <= 9) {
        Object.keys(state.admin1).forEach(function (k) {
          state.admin1[k].features.forEach(function (f) {
            if (view.contains([f.lat, f.lon])) { out.push({ text: f.name, lat: f.lat, lon: f.lon, kind: "state", rank: 1e9 }); }
          });
        });
      }
      out.sort(function (a, b) { return b.rank - a.rank; });
      return out;
    }

    function update() {
      var zoom = map.getZoom(), view = map.getBounds().pad(0.1);
      var inView = state.countries.filter(function (c) { return countryInView(c, view); });
      if (zoom >= 4 && inView.length <= MAX_COUNTRIES_LOADED) {
        inView.forEach(function (c) { if (c.admin1) { loadAdmin1(c); } });
      }
      if (zoom >= 6 && inView.length <= MAX_COUNTRIES_LOADED) { inView.forEach(loadCities); }
      if (zoom >= 4) { if (!map.hasLayer(borders)) { borders.addTo(map); } }
      else if (map.hasLayer(borders)) { map.removeLayer(borders); }

      labels.clearLayers();
      var placed = [], shown = [];
      candidates(zoom, map.getBounds()).some(function (c) {
        var p = map.latLngToContainerPoint([c.lat, c.lon]);
        var width = c.text.length * (c.kind === "country" ? 8 : 6.2) + (c.kind === "city" ? 10 : 0);
        var box = c.kind === "city" ? [p.x - 4, p.y - 8, p.x + width, p.y + 8]
          : [p.x - width / 2, p.y - 8, p.x + width / 2, p.y + 8];
        var clash = placed.some(function (q) { return box[0] < q[2] && box[2] > q[0] && box[1] < q[3] && box[3] > q[1]; });
        if (clash) { return false; }
        placed.push(box);
        shown.push(c.text);
        L.marker([c.lat, c.lon], {
          icon: L.divIcon({ className: "place-label-anchor", html: labelNode(c.text, c.kind), iconSize: null }),
          pane: "placeLabels", interactive: false, keyboard: false
        }).addTo(labels);
        return placed.length >= MAX_LABELS;
      });
      container.dataset.placeLabels = String(shown.length);
    }

    ask("countries.json", state, "countries", function (d) {
      return d.countries.map(function (c) { c.name = countryName(c.iso2, c.name); return c; });
    });
    ask("cities-major.json", state, "major", function (d) {
      return d.cities.map(function (c) { return { name: c[0], lat: c[1], lon: c[2], pop: c[3], state: c[5] }; });
    });
    map.on("moveend zoomend", update);
    return { update: update };
  }

  window.triplecPlaces = { add: add };
})();
