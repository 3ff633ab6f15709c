/* sitrep-map in the browser: date labels, play/pause, arrow keys, row -> map fly-to, and the map's
   time steps drawn from the arrays the server packed (Incidents.pack), without a round trip. */
(function () {
  const DAY = 86400000;
  const isoDay = n => new Date(n * DAY).toISOString().slice(0, 10);
  window.dccFunctions = Object.assign(window.dccFunctions || {}, {isoDay});

  const mapOf = () => {
    const gd = document.querySelector('#map .js-plotly-plot');
    return gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot &&
      gd._fullLayout.map._subplot.map;
  };
  const dayNow = () => {
    const h = document.querySelector('#day [role=slider]');
    return h ? Number(h.getAttribute('aria-valuenow')) : null;
  };

  const ARRAYS = {f4: Float32Array, f8: Float64Array, i1: Int8Array, i2: Int16Array, i4: Int32Array,
                  u1: Uint8Array, u2: Uint16Array, u4: Uint32Array};
  const decode = spec => {  // plotly's typed array spec {dtype, bdata: base64}
    const bin = atob(spec.bdata), bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new ARRAYS[spec.dtype](bytes.buffer);
  };
  const COLUMNS = ['day', 'lat', 'lon', 'type', 'sub', 'loc', 'killed', 'cell', 'row', 'ring', 'shape'];
  let unpacked = {src: null};
  const columns = pack => {
    if (unpacked.src !== pack) {
      unpacked = {src: pack};
      for (const c of COLUMNS) unpacked[c] = decode(pack[c]);
    }
    return unpacked;
  };
  const bisect = (a, x, right) => {  // first index with a[i] > x (right) or >= x (left)
    let lo = 0, hi = a.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (right ? a[mid] <= x : a[mid] < x) lo = mid + 1; else hi = mid; }
    return lo;
  };
  const esc = s => String(s).replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;'})[c]);
  const fmt = n => n.toLocaleString('en-US');
  const WINDOW_DAYS = {day: 1, '7': 7, '30': 30};

  const RING = Array.from({length: 25}, (_, i) => 2 * Math.PI * i / 24);

  // One window as the server's live_figure draws it: all points in one trace coloured per point
  // (grid cells above aggregate_at), then the precision outlines in one trace: a ring for points
  // near a place, the road or area outline. Unlike the server, the page counts what is in view
  // (bounds): a window of more than aggregate_at is drawn as points when few enough are in view,
  // those around the view (pad) only, and redrawn when the map has moved.
  function windowTraces(pack, a, b, bounds) {
    const c = columns(pack);
    let shown = 0;
    for (let i = a; i < b; i++) if (c.lat[i] === c.lat[i]) shown++;
    const big = shown > pack.aggregate_at;
    const inside = (i, q) => c.lat[i] >= q.s && c.lat[i] <= q.n && c.lon[i] >= q.w && c.lon[i] <= q.e;
    let inView = shown, pad = null;
    if (big && bounds) {
      const dy = (bounds.n - bounds.s) / 2, dx = (bounds.e - bounds.w) / 2;
      pad = {s: bounds.s - dy, n: bounds.n + dy, w: bounds.w - dx, e: bounds.e + dx};
      inView = 0;
      for (let i = a; i < b; i++) if (c.lat[i] === c.lat[i] && inside(i, bounds)) inView++;
    }
    const aggregated = inView > pack.aggregate_at;
    const partial = big && !aggregated;   // the points around the view only
    let drawn = shown;
    if (partial) { drawn = 0; for (let i = a; i < b; i++) if (c.lat[i] === c.lat[i] && inside(i, pad)) drawn++; }
    let lat, lon, size, color = [], hover = [], rows = [];
    const rlat = [], rlon = [];
    if (aggregated) {
      const g = pack.grid, count = new Map();
      for (let i = a; i < b; i++) {
        if (c.lat[i] !== c.lat[i]) continue;
        const k = c.type[i] * g.ncell + c.cell[i];
        count.set(k, (count.get(k) || 0) + 1);
      }
      const keys = [...count.keys()].sort((x, y) => x - y);
      lat = new Float32Array(keys.length); lon = new Float32Array(keys.length); size = new Float32Array(keys.length);
      keys.forEach((k, j) => {
        const cell = k % g.ncell, r = Math.floor(cell / g.ncols), q = cell % g.ncols, m = count.get(k);
        lat[j] = g.lat0 + (r + 0.5) * g.step; lon[j] = g.lon0 + (q + 0.5) * g.step;
        size[j] = Math.min(40, Math.max(6, 6 + 3 * Math.sqrt(m)));
        color.push(pack.colors[Math.floor(k / g.ncell)]); hover.push(m + ' incidents'); rows.push(-1);
      });
    } else {
      lat = new Float32Array(drawn); lon = new Float32Array(drawn); size = new Float32Array(drawn);
      const outlines = drawn <= pack.outlines_at;
      let j = 0;
      for (let i = a; i < b; i++) {
        if (c.lat[i] !== c.lat[i] || (partial && !inside(i, pad))) continue;
        lat[j] = c.lat[i]; lon[j] = c.lon[i];
        size[j] = 10 + 3 * Math.sqrt(Math.min(400, c.killed[i]));
        color.push(pack.colors[c.type[i]]);
        hover.push('<b>' + esc(pack.names.loc[c.loc[i]]) + '</b> · ' + isoDay(c.day[i]) + '<br>' +
                   esc(pack.names.sub[c.sub[i]]) + '<br>' + c.killed[i] + ' killed');
        rows.push(c.row[i]);
        j++;
        if (!outlines) continue;
        if (c.ring[i]) {
          const dlat = pack.ring_km / 111.0, dlon = dlat / Math.max(Math.cos(c.lat[i] * Math.PI / 180), 0.1);
          for (const t of RING) { rlat.push(c.lat[i] + dlat * Math.sin(t)); rlon.push(c.lon[i] + dlon * Math.cos(t)); }
          rlat.push(null); rlon.push(null);
        } else if (c.shape[i] >= 0) {
          const [sa, sb] = pack.shapes[c.shape[i]];
          rlat.push(...sa); rlon.push(...sb);
        }
      }
    }
    const points = {type: 'scattermap', lat, lon, mode: 'markers', showlegend: false, hoverinfo: 'text',
                    marker: {size, color, opacity: pack.opacity}, hovertext: hover, customdata: rows};
    const rings = {type: 'scattermap', lat: rlat, lon: rlon, mode: 'lines', showlegend: false, hoverinfo: 'skip',
                   opacity: 0.6, line: {color: pack.outline_color, width: 2}};
    return {points, rings, shown, unresolved: b - a - shown, aggregated, big, partial, inView};
  }

  // The incidents are drawn on a 2D canvas over MapLibre's, in step with its camera: a time step
  // repaints this canvas only. A MapLibre source update takes 2-3 WebGL frames (old tiles first),
  // 65-150 ms each in software. The figure keeps the legend, basemap and title, and two empty map
  // traces in the places of the points and the outlines (for the snapshot and the server's layout).
  const overlay = {map: null, canvas: null, tip: null, traces: null, points: null, lines: null, hits: null,
                   title: null, tiles: null};
  const vals = v => (v && v.bdata !== undefined ? decode(v) : (v || []));
  const merc = (lon, lat) => [lon / 360, Math.log(Math.tan(Math.PI / 4 + lat * Math.PI / 360)) / (2 * Math.PI)];

  function showTraces(traces) {   // [points, outlines] as plotly traces: what the map draws
    const [p, l] = traces;
    overlay.traces = traces;
    overlay.hits = null;   // until painted
    if (overlay.tip) overlay.tip.style.display = 'none';
    const lat = vals(p.lat), lon = vals(p.lon), n = lat.length, size = vals(p.marker.size);
    const mx = new Float64Array(n), my = new Float64Array(n);
    for (let i = 0; i < n; i++) [mx[i], my[i]] = merc(lon[i], lat[i]);
    const color = p.marker.color, one = typeof color === 'string';
    // larger circles first, so that a small one is never hidden under a large one
    const order = Uint32Array.from({length: n}, (_, i) => i);
    if (typeof size !== 'number') order.sort((i, j) => size[j] - size[i] || i - j);
    overlay.points = {n, order, mx, my, lat, lon, size: i => (typeof size === 'number' ? size : size[i]),
                      color: i => (one ? color : color[i]), hover: vals(p.hovertext), rows: vals(p.customdata),
                      opacity: p.marker.opacity ?? 1};
    const llat = vals(l.lat), llon = vals(l.lon), m = llat.length;
    const lx = new Float64Array(m), ly = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      if (llat[i] === null || llat[i] !== llat[i]) { lx[i] = ly[i] = NaN; continue; }
      [lx[i], ly[i]] = merc(llon[i], llat[i]);
    }
    overlay.lines = {n: m, lx, ly, lat: llat, lon: llon, color: l.line.color, width: l.line.width, opacity: l.opacity ?? 1};
    paint();
  }

  // The opt-in online tiles: a raster layer in the offline style, under its borders and labels,
  // added and removed here. Plotly keeps one style: switching styles through Plotly stopped the
  // graph for good when a tile failed (Plotly's update rejects on any map error, and dcc.Graph
  // queues every later update behind that promise).
  const TILES = 'online-tiles';
  function tiles() {
    const m = overlay.map, t = overlay.tiles;
    if (!m) return;
    if (!m.isStyleLoaded()) { m.once('idle', tiles); return; }
    const on = !!m.getLayer(TILES);
    if (t && !on) {
      if (!m.getSource(TILES))
        m.addSource(TILES, {type: 'raster', tiles: [t.url], tileSize: 256, maxzoom: 19, attribution: t.attribution});
      m.addLayer({id: TILES, type: 'raster', source: TILES}, m.getLayer(t.below) ? t.below : undefined);
    } else if (!t && on) {
      m.removeLayer(TILES);
      m.removeSource(TILES);
    }
  }

  function attach(m) {
    if (overlay.map === m) return;
    overlay.map = m;
    tiles();
    const box = m.getCanvasContainer();
    overlay.canvas = Object.assign(document.createElement('canvas'), {className: 'sitrep-overlay'});
    overlay.tip = Object.assign(document.createElement('div'), {className: 'sitrep-tip'});
    box.append(overlay.canvas, overlay.tip);
    m.on('render', paint);   // pan and zoom: drawn in the same frame as the map
    m.on('moveend', () => {   // a large window is drawn for the view: cells or the points around it
      if (view.drawn && view.drawn.big) update('moved', null, view.drag, view.value, view.win, view.since);
    });
    m.on('mousemove', e => hover(e.point));
    m.on('mouseout', () => { overlay.tip.style.display = 'none'; });
    m.on('click', e => {
      const i = hit(e.point);
      if (i < 0) return;
      const p = overlay.points;
      window.dash_clientside.set_props('map', {clickData: {points: [
        {customdata: Number(p.rows[i]), lat: p.lat[i], lon: p.lon[i], hovertext: p.hover[i]}]}});
    });
  }

  let waiting = false;
  function paint() {
    const m = mapOf();
    if (!m) {  // the map is being made: try again next frame
      if (!waiting) { waiting = true; requestAnimationFrame(() => { waiting = false; paint(); }); }
      return;
    }
    attach(m);
    const cv = overlay.canvas, w = m.getCanvas().clientWidth, h = m.getCanvas().clientHeight;
    const dpr = window.devicePixelRatio || 1;
    if (cv.width !== Math.round(w * dpr) || cv.height !== Math.round(h * dpr)) {
      cv.width = Math.round(w * dpr); cv.height = Math.round(h * dpr);
      cv.style.width = w + 'px'; cv.style.height = h + 'px';
    }
    const g = cv.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const p = overlay.points, l = overlay.lines;
    if (!p) return;
    // Mercator to screen: an affine map when the map is flat and north up (plotly's default), else
    // MapLibre projects each point
    const c = m.getCenter(), [cx, cy] = merc(c.lng, c.lat), flat = !m.getBearing() && !m.getPitch();
    const a = m.project([c.lng, c.lat]), scale = 512 * Math.pow(2, m.getZoom());
    const sx = flat ? (x => a.x + (x - cx) * scale) : null, sy = flat ? (y => a.y - (y - cy) * scale) : null;
    const xy = (x, y, lon, lat) => (flat ? [sx(x), sy(y)] : (q => [q.x, q.y])(m.project([lon, lat])));
    const xs = new Float32Array(p.n), ys = new Float32Array(p.n), rs = new Float32Array(p.n);
    const counts = {};
    g.globalAlpha = p.opacity;
    for (const i of p.order) {
      const [x, y] = xy(p.mx[i], p.my[i], p.lon[i], p.lat[i]), r = p.size(i) / 2;
      xs[i] = x; ys[i] = y; rs[i] = r;
      if (x < -r || y < -r || x > w + r || y > h + r) continue;
      const col = p.color(i);
      g.fillStyle = col;
      g.beginPath(); g.arc(x, y, r, 0, 2 * Math.PI); g.fill();
      counts[col] = (counts[col] || 0) + 1;
    }
    let parts = 0, open = false;
    g.globalAlpha = l.opacity; g.strokeStyle = l.color; g.lineWidth = l.width; g.lineJoin = 'round';
    g.beginPath();
    for (let i = 0; i < l.n; i++) {
      if (l.lx[i] !== l.lx[i]) { open = false; continue; }
      const [x, y] = xy(l.lx[i], l.ly[i], l.lon[i], l.lat[i]);
      if (open) g.lineTo(x, y); else { g.moveTo(x, y); open = true; parts++; }
    }
    g.stroke();
    g.globalAlpha = 1;
    overlay.hits = {xs, ys, rs, w, h};
    overlay.drawn = {counts, parts, at: performance.now()};
  }

  function hit(pt) {   // the topmost point under the cursor, or -1
    const h = overlay.hits;
    if (!h) return -1;
    for (let k = h.xs.length - 1; k >= 0; k--) {
      const i = overlay.points.order[k];
      const dx = pt.x - h.xs[i], dy = pt.y - h.ys[i], r = Math.max(h.rs[i], 5) + 2;
      if (dx * dx + dy * dy <= r * r) return i;
    }
    return -1;
  }

  function hover(pt) {
    const i = hit(pt), tip = overlay.tip, p = overlay.points;
    overlay.map.getCanvasContainer().style.cursor = i < 0 ? '' : 'pointer';
    if (i < 0) { tip.style.display = 'none'; return; }
    tip.innerHTML = p.hover[i];
    tip.style.borderColor = p.color(i);
    tip.style.display = 'block';
    const h = overlay.hits, left = pt.x + 12 + tip.offsetWidth > h.w, up = pt.y + 12 + tip.offsetHeight > h.h;
    tip.style.left = (left ? pt.x - 12 - tip.offsetWidth : pt.x + 12) + 'px';   // kept inside the map
    tip.style.top = (up ? pt.y - 12 - tip.offsetHeight : pt.y + 12) + 'px';
  }

  // The one writer of the map figure, the overlay and the day label (with dash_clientside.set_props),
  // fed by three callbacks: the packed arrays (points), the server's answer (server-map: a whole
  // figure, or the traces and title) and the time controls. A time step is cut from the packed arrays.
  const EMPTY = [{type: 'scattermap', lat: [], lon: [], mode: 'markers', showlegend: false, hoverinfo: 'skip'},
                 {type: 'scattermap', lat: [], lon: [], mode: 'lines', showlegend: false, hoverinfo: 'skip'}];
  const view = {pack: null, drag: null, value: null, win: 'day', since: null, drawn: null};
  function update(source, payload, drag, value, win, since) {
    Object.assign(view, {drag, value, win, since});
    if (source === 'pack') view.pack = payload;
    let step = null;
    const pack = view.pack;
    if (pack && value !== null && value !== undefined) {
      const day = source === 'drag' && drag != null ? drag : value;
      let lo = day - (WINDOW_DAYS[win] || 1) + 1;
      if (win === 'since') lo = Math.min(since ? Math.round(Date.parse(since.slice(0, 10)) / DAY) : day, day);
      const key = [lo, day, win].join(' ');
      if (source === 'server' || source === 'moved' || !view.drawn || view.drawn.pack !== pack || view.drawn.key !== key) {
        const m = mapOf(), b = m && m.getBounds && m.getBounds();
        step = stepFigure(pack, lo, day, b && {s: b.getSouth(), n: b.getNorth(), w: b.getWest(), e: b.getEast()});
        view.drawn = {pack, key, big: step.big};
      }
    }
    const set = window.dash_clientside.set_props;
    if (source === 'server' && payload) {
      const data = payload.figure ? payload.figure.data : payload.traces;
      showTraces(step ? step.traces : data.slice(-2));
      if (payload.figure) {   // the title is a page element: a figure change repaints MapLibre
        const layout = payload.figure.layout;
        set('map', {figure: {data: [...data.slice(0, -2), ...EMPTY], layout: {...layout, title: {...layout.title, text: ''}}}});
      }
      retitle(step ? step.title : (payload.title || payload.figure.layout.title.text));
      const label = payload.label || (step && step.label);
      if (label) set('day-label', {children: label});
    } else if (step) {
      showTraces(step.traces);
      retitle(step.title);
      set('day-label', {children: step.label});
    }
    return window.dash_clientside.no_update;
  }

  window.sitrep = {
    fromPack(pack, drag, value, win, since, version, ...filters) {
      // an answer for filters changed since, or from before a commit (a newer one is on its way), is dropped
      if (pack && (JSON.stringify(pack.filters) !== JSON.stringify(filters) ||
                   pack.version !== ((version && version.n) || 0))) return window.dash_clientside.no_update;
      return update('pack', pack, drag, value, win, since);
    },
    fromServer(server, drag, value, win, since, ...filters) {
      if (server) {  // drawn for controls changed since: a newer answer is on its way
        const [day, ...rest] = server.for;
        if ((day !== value && day !== drag) || JSON.stringify(rest) !== JSON.stringify([win, since, ...filters]))
          return window.dash_clientside.no_update;
      }
      return update('server', server, drag, value, win, since);
    },
    fromTime(drag, value, win, since) {
      const fired = (window.dash_clientside.callback_context.triggered || []).map(t => t.prop_id);
      const dragOnly = fired.includes('day.drag_value') && !fired.includes('day.value');
      return update(dragOnly ? 'drag' : 'time', null, drag, value, win, since);
    },
  };

  const retitle = title => {
    overlay.title = title;
    window.dash_clientside.set_props('map-title', {children: title});
  };

  function stepFigure(pack, lo, day, bounds) {
    const c = columns(pack);
    const w = windowTraces(pack, bisect(c.day, lo, false), bisect(c.day, day, true), bounds);
    const when = lo === day ? 'on ' + isoDay(day) : 'from ' + isoDay(lo) + ' to ' + isoDay(day);
    const label = [{type: 'B', namespace: 'dash_html_components', props: {children: lo === day ? isoDay(day) : when}},
                   ' · ' + fmt(w.shown) + ' on the map', w.unresolved ? ' · ' + fmt(w.unresolved) + ' unresolved' : '',
                   w.aggregated ? ' · aggregated in 0.1° cells' : w.partial ? ' · ' + fmt(w.inView) + ' in view' : ''];
    return {traces: [w.points, w.rings], title: 'Situation in ' + pack.area + ' ' + when, label, big: w.big};
  }

  window.sitrep = Object.assign(window.sitrep, {
    basemap(value, spec) {   // 'online': the tiles layer over the offline style; 'offline': without
      overlay.tiles = value === 'online' ? spec : null;
      tiles();
      return window.dash_clientside.no_update;
    },
    rendered(where) {   // what the overlay drew in view: circles per colour, outline parts, [lon, lat]s
      const d = overlay.drawn, h = overlay.hits, p = overlay.points;
      if (!d) return null;
      const points = [];
      for (let i = 0; where && i < h.xs.length; i++) {
        const r = h.rs[i];
        if (h.xs[i] >= -r && h.ys[i] >= -r && h.xs[i] <= h.w + r && h.ys[i] <= h.h + r) points.push([p.lon[i], p.lat[i]]);
      }
      return {counts: d.counts, parts: d.parts, at: d.at, points};
    },
    snapshot(name) {   // Plotly's own PNG export of the figure with the overlay's traces in it
      const gd = document.querySelector('#map .js-plotly-plot');
      const data = gd.data.slice(0, -2).concat(overlay.traces || EMPTY);
      const layout = {...gd.layout, title: {...gd.layout.title, text: overlay.title || ''}};
      return Plotly.downloadImage({data, layout, config: {}},
                                  {format: 'png', width: 1400, height: 1000, filename: name});
    },
    play(n, disabled) {  // toggles the interval; the button says what a click will do
      const playing = disabled;
      return [!playing, playing ? '❚❚ Pause' : '▶ Play'];
    },
    tick(n, day, max) {
      const d = dayNow() ?? day;
      return d >= max ? window.dash_clientside.no_update : d + 1;
    },
    flyTo(cell, rows) {
      if (!cell || !rows || !rows[cell.row]) return window.dash_clientside.no_update;
      const r = rows[cell.row];
      const m = mapOf();
      if (m && r.lat !== null) m.flyTo({center: [r.lon, r.lat], zoom: Math.max(m.getZoom(), 10), duration: 800});
      return [{if: {row_index: cell.row}, backgroundColor: '#f3e7c9'}];
    },
  });

  // arrow keys step a day anywhere on the page, except while typing in a field
  document.addEventListener('keydown', e => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const t = e.target;
    if (t.closest && (t.closest('#day') || t.closest('input, textarea, select, .Select, .dash-dropdown'))) return;
    const d = dayNow();
    if (d === null || !window.dash_clientside || !window.dash_clientside.set_props) return;
    const h = document.querySelector('#day [role=slider]');
    const lo = Number(h.getAttribute('aria-valuemin')), hi = Number(h.getAttribute('aria-valuemax'));
    const next = Math.min(hi, Math.max(lo, d + (e.key === 'ArrowRight' ? 1 : -1)));
    if (next !== d) {
      if (view.pack) update('key', null, next, next, view.win, view.since);   // draw now, not after Dash's round
      window.dash_clientside.set_props('day', {value: next, drag_value: next});
    }
    e.preventDefault();
  });

  // the source sentence is scrolled into view inside its report
  new MutationObserver(() => {
    const hit = document.querySelector('#card #hit:not([data-seen])');
    if (hit) {  // scroll the report box only, not the page
      hit.dataset.seen = '1';
      const box = hit.parentElement;
      box.scrollTop = hit.offsetTop - box.offsetTop - box.clientHeight / 3;
    }
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
