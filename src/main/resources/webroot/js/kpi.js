// The KPI view (managers and above): the weekly table as the council reads it, and trend charts
// of the last 12 weeks drawn with Chart.js (served from its WebJar), with the figures in a table.

import { get } from './api.js';
import { $, h, percent } from './dom.js';

const PERFORMANCE = [
  ['routePerformance', 'Route Performance', '#0b4f8a', 'circle', []],
  ['pupilPerformance', 'Pupil Performance', '#1d6b2f', 'rect', [6, 3]],
  ['routeTimePerformance', 'Route Time Performance', '#8a4b00', 'triangle', [2, 2]],
  ['telephonePerformance', 'Telephone Performance', '#7a1fa2', 'rectRot', [10, 4, 2, 4]],
];
const COUNTS = [
  ['safeguarding', 'Safeguarding', '#b00020', 'circle', [], (w) => w.safeguarding.count],
  ['busPass', 'Bus Pass Assessments Overdue', '#0b4f8a', 'rect', [6, 3], (w) => w.busPassAssessmentsOverdue],
  ['transport', 'Transport Applications Overdue', '#1d6b2f', 'triangle', [2, 2], (w) => w.transportApplicationsOverdue],
];
const charts = [];

export function initKpi() {
  $('kpi-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const week = $('kpi-week').value;
    loadWeek(week);
    loadTrend(week);
  });
}

/** The Friday on or before a date (YYYY-MM-DD). */
export function weekEndingOnOrBefore(date) {
  const d = new Date(`${date}T00:00:00Z`);
  const back = (d.getUTCDay() - 5 + 7) % 7;
  return addDays(date, -back);
}

function addDays(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().substring(0, 10);
}

export async function showKpi(serviceDate) {
  const week = weekEndingOnOrBefore(serviceDate);
  $('kpi-week').value = week;
  await Promise.all([loadWeek(week), loadTrend(week)]);
}

async function loadWeek(week) {
  const target = $('kpi-table');
  target.replaceChildren(h('p', { class: 'summary' }, 'Loading…'));
  try {
    const w = await get(`/api/v1/kpi/weekly/${week}`);
    const line = (label, value) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', { class: 'num' }, value));
    target.replaceChildren(
      h('p', { class: 'summary' }, `Week ending ${w.weekEnding}, version ${w.version}, computed ${w.computedAt}.`),
      h(
        'table',
        { id: 'kpi-weekly', class: 'kpi-weekly' },
        h('caption', { class: 'visually-hidden' }, `KPIs for the week ending ${w.weekEnding}`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'KPI'), h('th', { scope: 'col', class: 'num' }, w.weekEnding))),
        h(
          'tbody',
          {},
          line('Safeguarding', w.safeguarding.count),
          line('Route Performance', percent(w.routePerformance)),
          line('Pupil Performance', percent(w.pupilPerformance)),
          line('Route Time Performance', percent(w.routeTimePerformance)),
          line('Telephone Performance', percent(w.telephonePerformance)),
          line('Bus Pass Assessments Overdue', w.busPassAssessmentsOverdue),
          line('Transport Applications Overdue', w.transportApplicationsOverdue),
          line('Complaints received / overdue', `${w.complaints.received} / ${w.complaints.overdue}`),
          line("Parents' messages: received / answered / median minutes to answer", parentMessages(w.parentMessages)),
        ),
      ),
      h('h3', {}, 'Contracted against delivered, by operator'),
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['Operator', 'Planned', 'Delivered', 'Cancelled', 'On time', 'Share of cancellations'].map((c, i) =>
                h('th', { scope: 'col', class: i ? 'num' : '' }, c),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            w.operators.map((o) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, o.operatorId),
                h('td', { class: 'num' }, o.planned),
                h('td', { class: 'num' }, o.delivered),
                h('td', { class: 'num' }, o.cancelled),
                h('td', { class: 'num' }, o.onTime),
                h('td', { class: 'num' }, o.cancellationShare === null ? 'n/a' : `${o.cancellationShare}%`),
              ),
            ),
          ),
        ),
      ),
      h('h3', {}, 'Contracted against delivered, by school'),
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          { id: 'kpi-schools' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['School', 'Name', 'Planned', 'Delivered', 'On time'].map((c, i) =>
                h('th', { scope: 'col', class: i > 1 ? 'num' : '' }, c),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            w.schools.map((s) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, s.schoolId),
                h('td', {}, s.schoolName),
                h('td', { class: 'num' }, s.runsPlanned),
                h('td', { class: 'num' }, s.runsDelivered),
                h('td', { class: 'num' }, s.runsOnTime),
              ),
            ),
          ),
        ),
      ),
    );
  } catch (e) {
    target.replaceChildren(h('p', { class: 'message' }, e.message));
  }
}

/** Like the weekly email's cell: `12 / 11 / 7.5`, the median n/a when none was answered. */
function parentMessages(m) {
  const median = m.medianMinutesToAnswer === null ? 'n/a' : Number(m.medianMinutesToAnswer).toFixed(1);
  return `${m.received} / ${m.answered} / ${median}`;
}

async function loadTrend(lastWeek) {
  const from = addDays(lastWeek, -(11 * 7 + 6));
  const { items } = await get(`/api/v1/kpi/weekly?from=${from}&to=${lastWeek}`);
  const labels = items.map((w) => w.weekEnding);
  $('trend-message').textContent = items.length
    ? `${items.length} of the 12 weeks to ${lastWeek} have a snapshot.`
    : `No snapshots yet for the 12 weeks to ${lastWeek}.`;
  draw('chart-performance', labels, PERFORMANCE.map(([key, label, colour, point, dash]) => ({
    label,
    colour,
    point,
    dash,
    values: items.map((w) => (w[key].percent === null ? null : Number(w[key].percent))),
  })), '%');
  draw('chart-backlog', labels, COUNTS.map(([, label, colour, point, dash, value]) => ({
    label,
    colour,
    point,
    dash,
    values: items.map(value),
  })), '');
  trendTable(items);
}

function draw(canvasId, labels, series, unit) {
  const canvas = $(canvasId);
  const existing = charts.find((c) => c.canvas === canvas);
  if (existing) {
    existing.destroy();
    charts.splice(charts.indexOf(existing), 1);
  }
  if (typeof window.Chart === 'undefined') {
    $('trend-message').textContent = 'The chart library did not load; the figures are in the table below.';
    return;
  }
  window.Chart.defaults.font.size = 14;
  charts.push(
    new window.Chart(canvas, {
      type: 'line',
      data: {
        labels,
        datasets: series.map((s) => ({
          label: s.label,
          data: s.values,
          borderColor: s.colour,
          backgroundColor: s.colour,
          pointStyle: s.point,
          pointRadius: 5,
          borderDash: s.dash,
          spanGaps: true,
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: 'bottom', labels: { usePointStyle: true } } },
        scales: {
          y: unit === '%'
            ? { suggestedMax: 100, ticks: { callback: (v) => `${v}%` } }
            : { beginAtZero: true, suggestedMax: 5, ticks: { precision: 0 } },
        },
      },
    }),
  );
}

function trendTable(items) {
  const head = ['Week ending', ...PERFORMANCE.map((p) => p[1]), ...COUNTS.map((c) => c[1])];
  $('trend-table').replaceChildren(
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          {},
          items.map((w) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, w.weekEnding),
              PERFORMANCE.map(([key]) => h('td', { class: 'num' }, percent(w[key]))),
              COUNTS.map((c) => h('td', { class: 'num' }, c[5](w))),
            ),
          ),
        ),
      ),
    ),
  );
}
