// The dashboard's only script (served from the package; the pages carry no inline script).
// Pages work without it; it adds map drill-down clicks, filters that apply on change, and the
// scans list refreshing itself.
/* global location, URLSearchParams */
'use strict';

function drillFromMap() {
  const map = document.getElementById('world-map');
  if (!map) return;
  map.addEventListener('click', (ev) => {
    const el = ev.target.closest ? ev.target.closest('path[data-cc]') : null;
    if (!el) return;
    const p = new URLSearchParams(location.search);
    p.set('country', el.getAttribute('data-cc'));
    p.delete('asn');
    location.assign('/?' + p.toString());
  });
  for (const el of map.querySelectorAll('path[data-cc]')) el.classList.add('clickable');
}

function autosubmit() {
  for (const el of document.querySelectorAll('select[data-autosubmit]'))
    el.addEventListener('change', () => el.form && el.form.requestSubmit());
}

function pollScans() {
  const box = document.querySelector('[data-poll]');
  if (!box) return;
  const url = box.getAttribute('data-poll');
  let last = null;
  const tick = async () => {
    try {
      const res = await fetch(url, { credentials: 'same-origin' });
      if (!res.ok) return;
      const text = await res.text();
      if (last !== null && text !== last) location.reload();
      last = text;
    } catch {
      // the server may be restarting: try again at the next tick
    }
  };
  tick();
  setInterval(tick, 3000);
}

document.addEventListener('DOMContentLoaded', () => {
  drillFromMap();
  autosubmit();
  pollScans();
});
