// The live map (#/map) and the open run's map, drawn with Leaflet (from its WebJar): every started
// run's vehicle at its latest position, coloured AND labelled by state (on time, late, feed
// silent), the schools, and on a run's page its stops in order, the path it took and where it is.
// Clicking a vehicle (or Enter on it) opens its run. Positions come from GET /api/v1/positions
// once, then from the stream's `position` entries; a past day's map is read-only. The tiles come
// from the one host the server names (TW_MAP_TILE_URL); where they cannot be reached the map
// still shows everything on a plain background.

import { get } from './api.js';
import { $, h, clock } from './dom.js';
import { onStream } from './alerts.js';
import { placedSchools } from './names.js';
import { onRunShown } from './run.js';

const CITY = [52.4862, -1.8904];
const LABELS_FROM_ZOOM = 14;
const STATES = {
  late: { symbol: '»', word: 'late' },
  silent: { symbol: '?', word: 'feed silent' },
  'on-time': { symbol: '✓', word: 'on time' },
};
const positions = new Map();
let map = null;
let vehicles = null;
const markers = new Map();
// What each marker's icon shows, so that a position that changes only where it is moves the marker.
const iconKeys = new Map();
// Positions arrive by the hundred each second on a busy morning: the map is drawn once a frame,
// with the latest position of each vehicle that moved since.
const pending = new Map();
let drawing = false;
let shownDay = null;
let live = false;
let runMap = null;
let runLayer = null;

export function initMap() {
  onStream('position', (e) => {
    if (live) {
      const p = JSON.parse(e.data);
      positions.set(p.runId, p);
      pending.set(p.runId, p);
      if (!drawing) {
        drawing = true;
        requestAnimationFrame(drawPending);
      }
    }
  });
  onRunShown(drawRun);
}

function tileSettings() {
  const meta = document.querySelector('meta[name="tw-map"]');
  return { url: meta ? meta.content : '', attribution: meta ? meta.dataset.attribution || '' : '' };
}

/** Leaflet writes the attribution as HTML: the setting is text, so it is escaped first. */
function escaped(text) {
  const span = document.createElement('span');
  span.textContent = text;
  return span.innerHTML;
}

function newMap(container) {
  const L = window.L;
  const created = L.map(container, { attributionControl: false, zoomControl: true }).setView(CITY, 11);
  L.control.attribution({ prefix: 'Leaflet' }).addTo(created);
  const { url, attribution } = tileSettings();
  if (url) {
    L.tileLayer(url, { maxZoom: 19, attribution: escaped(attribution) }).addTo(created);
  }
  const zoomClass = () =>
    container.classList.toggle('labelled', created.getZoom() >= LABELS_FROM_ZOOM);
  created.on('zoomend', zoomClass);
  zoomClass();
  return created;
}

/** Shows the map of {@code day}: today's follows the stream, a past day's stands still. */
export async function showMapDay(day, isToday) {
  if (typeof window.L === 'undefined') {
    $('map-summary').textContent = 'The map library did not load.';
    return;
  }
  if (!map) {
    map = newMap($('map'));
    vehicles = window.L.layerGroup().addTo(map);
    drawSchools(map);
  }
  map.invalidateSize();
  if (day === shownDay) {
    return;
  }
  shownDay = day;
  live = isToday;
  const read = await get(`/api/v1/positions?date=${day}`).catch(() => ({ items: [] }));
  if (day !== shownDay) {
    return;
  }
  positions.clear();
  pending.clear();
  markers.clear();
  iconKeys.clear();
  vehicles.clearLayers();
  for (const p of read.items) {
    positions.set(p.runId, p);
    place(p);
  }
  summary();
  const points = [...positions.values()].map((p) => [p.lat, p.lon]);
  if (points.length) {
    map.fitBounds(points, { padding: [30, 30], maxZoom: 15 });
  }
}

function drawPending() {
  drawing = false;
  for (const p of pending.values()) place(p);
  pending.clear();
  summary();
}

function stateOf(p) {
  if (p.feedSilent) return 'silent';
  return (p.minutesLate || 0) > 0 ? 'late' : 'on-time';
}

function iconKey(p) {
  return `${stateOf(p)}|${p.minutesLate || 0}|${clock(p.at)}`;
}

/** A vehicle's marker: its state as a symbol and in words, never by colour alone. */
function vehicleIcon(p) {
  const state = stateOf(p);
  const { symbol, word } = STATES[state];
  const late = state === 'late' ? ` ${p.minutesLate} min` : '';
  const pill = h(
    'span',
    {
      class: `vehicle ${state}`,
      'data-run-id': p.runId,
      'data-state': state,
      'data-lat': p.lat,
      'data-lon': p.lon,
    },
    h('span', { class: 'symbol', 'aria-hidden': 'true' }, symbol),
    h('span', { class: 'label' }, `${p.runId} `),
    h('span', { class: state === 'on-time' ? 'label' : 'word' }, word),
    h('span', { class: 'label' }, `${late}, at ${clock(p.at)}`),
  );
  return window.L.divIcon({ html: pill, className: 'vehicle-icon', iconSize: null });
}

function place(p) {
  if (!map) {
    return;
  }
  const known = markers.get(p.runId);
  const key = iconKey(p);
  if (known) {
    known.setLatLng([p.lat, p.lon]);
    const pill = known.getElement() && known.getElement().querySelector('.vehicle');
    if (iconKeys.get(p.runId) !== key || !pill) {
      known.setIcon(vehicleIcon(p));
      iconKeys.set(p.runId, key);
    } else {
      pill.dataset.lat = p.lat;
      pill.dataset.lon = p.lon;
    }
    return;
  }
  iconKeys.set(p.runId, key);
  const marker = window.L.marker([p.lat, p.lon], {
    icon: vehicleIcon(p),
    keyboard: true,
    riseOnHover: true,
  });
  const open = () => {
    location.hash = `#/runs/${encodeURIComponent(p.runId)}`;
  };
  marker.on('click', open);
  marker.on('keypress', (e) => {
    if (e.originalEvent.key === 'Enter' || e.originalEvent.key === ' ') open();
  });
  marker.addTo(vehicles);
  markers.set(p.runId, marker);
}

function summary() {
  const counts = { late: 0, silent: 0, 'on-time': 0 };
  for (const p of positions.values()) counts[stateOf(p)] += 1;
  const total = positions.size;
  const text = total
    ? `${total} vehicles: ${counts.late} late, ${counts.silent} with the feed silent, ${counts['on-time']} on time.`
    : 'No vehicle has reported a position on this day.';
  // A live region: say it again only when it says something new.
  if ($('map-summary').textContent !== text) $('map-summary').textContent = text;
}

function drawSchools(target) {
  for (const school of placedSchools()) {
    const mark = h(
      'span',
      { class: 'school-mark', 'data-school-id': school.id, 'data-lat': school.lat, 'data-lon': school.lon },
      h('span', { class: 'symbol', 'aria-hidden': 'true' }, '▣'),
      h('span', { class: 'label' }, school.name || school.id),
    );
    window.L.marker([school.lat, school.lon], {
      icon: window.L.divIcon({ html: mark, className: 'school-icon', iconSize: null }),
      keyboard: false,
      interactive: false,
    }).addTo(target);
  }
}

/** The open run's page: its stops in order, the path so far and where the vehicle is. */
function drawRun(run) {
  if (typeof window.L === 'undefined') {
    return;
  }
  const L = window.L;
  if (!runMap) {
    runMap = newMap($('run-map'));
    runLayer = L.layerGroup().addTo(runMap);
  }
  runMap.invalidateSize();
  runLayer.clearLayers();
  const points = [];
  for (const stop of run.stops || []) {
    const mark = h(
      'span',
      { class: 'stop-mark', 'data-stop-id': stop.id, 'data-lat': stop.lat, 'data-lon': stop.lon },
      h('span', { class: 'symbol' }, String(stop.seq)),
      h('span', { class: 'label' }, `${stop.id} ${clock(stop.plannedTime)}`),
    );
    L.marker([stop.lat, stop.lon], {
      icon: L.divIcon({ html: mark, className: 'stop-icon', iconSize: null }),
      keyboard: false,
      interactive: false,
    }).addTo(runLayer);
    points.push([stop.lat, stop.lon]);
  }
  const path = (run.path || []).map((p) => [p.lat, p.lon]);
  if (path.length > 1) {
    L.polyline(path, { color: '#0b4f8a', weight: 4, className: 'run-path' }).addTo(runLayer);
  }
  points.push(...path);
  if (run.position) {
    const p = { ...run.position, runId: run.id, minutesLate: run.minutesLate, feedSilent: run.feedSilent };
    L.marker([p.lat, p.lon], { icon: vehicleIcon(p), keyboard: false, interactive: false }).addTo(runLayer);
    points.push([p.lat, p.lon]);
  }
  if (points.length) {
    runMap.fitBounds(points, { padding: [30, 30], maxZoom: 16 });
  }
}
