/* sitrep-map in the browser: date labels, play/pause, arrow keys, row -> map fly-to. */
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

  window.sitrep = {
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
  };

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
    if (next !== d) window.dash_clientside.set_props('day', {value: next, drag_value: next});
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
