// The KPI view (managers and above): the weekly table as the council reads it, six weeks side by
// side with each percentage's numerator, then this week and today so far (a week not ended is
// shown as its figures so far, never stored); and trend charts of the last 12 weeks drawn with
// Chart.js (served from its WebJar), with the figures in a table.

import { get } from './api.js';
import { $, h, percent } from './dom.js';
import { operatorLabel } from './names.js';

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

const WEEKS = 6;
let today = null;

export function initKpi() {
  $('kpi-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const week = weekEndingOnOrBefore($('kpi-week').value);
    loadWeeks(week);
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
  today = serviceDate;
  const week = weekEndingOnOrBefore(serviceDate);
  $('kpi-week').value = week;
  await Promise.all([loadWeeks(week), loadTrend(week)]);
}

/** The council's rows: label, the cell's figure, and whether a day's figures have it too. */
const ROWS = [
  ['safeguarding', 'Safeguarding', (w) => w.safeguarding.count],
  ['routePerformance', 'Route Performance', (w) => percent(w.routePerformance)],
  ['pupilPerformance', 'Pupil Performance', (w) => percent(w.pupilPerformance)],
  ['routeTimePerformance', 'Route Time Performance', (w) => percent(w.routeTimePerformance)],
  ['telephonePerformance', 'Telephone Performance', (w) => percent(w.telephonePerformance)],
  ['busPassAssessmentsOverdue', 'Bus Pass Assessments Overdue', (w) => w.busPassAssessmentsOverdue],
  ['transportApplicationsOverdue', 'Transport Applications Overdue', (w) => w.transportApplicationsOverdue],
  ['complaints', 'Complaints received / overdue', (w) => w.complaints && `${w.complaints.received} / ${w.complaints.overdue}`],
  ['parentMessages', "Parents' messages: received / answered / median minutes to answer", (w) => parentMessages(w.parentMessages)],
];

/**
 * The six weeks ending with {@code week} side by side, as the weekly email has them, each
 * percentage with its numerator and denominator; then this week so far (figures not stored) and
 * today so far.
 */
async function loadWeeks(week) {
  const target = $('kpi-table');
  target.replaceChildren(h('p', { class: 'summary' }, 'Loading…'));
  const first = addDays(week, -(WEEKS - 1) * 7);
  const thisWeek = today ? weekEndingOnOrBefore(addDays(today, 6)) : null;
  try {
    const [{ items }, soFar, day] = await Promise.all([
      get(`/api/v1/kpi/weekly?from=${first}&to=${week}`),
      thisWeek && thisWeek > week ? get(`/api/v1/kpi/weekly/${thisWeek}`).catch(() => null) : null,
      today ? get(`/api/v1/kpi/daily/${today}`).catch(() => null) : null,
    ]);
    const byWeek = new Map(items.map((w) => [w.weekEnding, w]));
    const columns = [];
    for (let i = 0; i < WEEKS; i++) {
      const ending = addDays(first, i * 7);
      columns.push({ key: ending, title: ending, sub: byWeek.has(ending) ? `version ${byWeek.get(ending).version}` : 'no snapshot', figures: byWeek.get(ending) });
    }
    if (soFar) {
      columns.push({ key: 'week-so-far', title: `Week to ${soFar.weekEnding}`, sub: 'so far, not final', figures: soFar });
    }
    if (day) {
      columns.push({ key: 'today', title: `Today, ${day.date}`, sub: 'so far', figures: day });
    }
    const latest = [...items].reverse().find((w) => w.weekEnding <= week) || byWeek.get(week);
    target.replaceChildren(
      h('p', { class: 'summary' }, `The six weeks ending ${week}, as the council reads them: each percentage with what it counts (numerator/denominator).`),
      h(
        'div',
        { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': 'Weekly KPIs, scrolls' },
        h(
          'table',
          { id: 'kpi-weekly', class: 'kpi-weekly' },
          h('caption', { class: 'visually-hidden' }, `KPIs for the six weeks ending ${week}, this week so far and today`),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'KPI'),
              columns.map((c) => h('th', { scope: 'col', class: 'num', 'data-column': c.key }, c.title, h('span', { class: 'sub' }, c.sub))),
            ),
          ),
          h(
            'tbody',
            {},
            ROWS.map(([key, label, cell]) =>
              h(
                'tr',
                { 'data-kpi': key },
                h('th', { scope: 'row' }, label),
                columns.map((c) => {
                  const value = c.figures && c.figures[key] !== undefined ? cell(c.figures) : null;
                  return h('td', { class: 'num', 'data-column': c.key }, value === null || value === undefined ? '–' : value);
                }),
              ),
            ),
          ),
        ),
      ),
      ...(latest ? byOperatorAndSchool(latest) : []),
    );
  } catch (e) {
    target.replaceChildren(h('p', { class: 'message' }, e.message));
  }
}

/** "Contracted against delivered" of one stored week, by operator and by school. */
function byOperatorAndSchool(w) {
  const table = (id, label, head, rows) =>
    h(
      'div',
      { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': `${label}, scrolls` },
      h('table', { id }, h('caption', { class: 'visually-hidden' }, label), h('thead', {}, h('tr', {}, head)), h('tbody', {}, rows)),
    );
  return [
    h('h3', {}, `Contracted against delivered, by operator, week ending ${w.weekEnding}`),
    table(
      'kpi-operators',
      `Contracted against delivered by operator, week ending ${w.weekEnding}`,
      ['Operator', 'Planned', 'Delivered', 'Cancelled', 'On time', 'Share of cancellations'].map((c, i) =>
        h('th', { scope: 'col', class: i ? 'num' : '' }, c),
      ),
      w.operators.map((o) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, operatorLabel(o.operatorId)),
          h('td', { class: 'num' }, o.planned),
          h('td', { class: 'num' }, o.delivered),
          h('td', { class: 'num' }, o.cancelled),
          h('td', { class: 'num' }, o.onTime),
          h('td', { class: 'num' }, o.cancellationShare === null ? 'n/a' : `${o.cancellationShare}%`),
        ),
      ),
    ),
    h('h3', {}, `Contracted against delivered, by school, week ending ${w.weekEnding}`),
    table(
      'kpi-schools',
      `Contracted against delivered by school, week ending ${w.weekEnding}`,
      ['School', 'Name', 'Planned', 'Delivered', 'On time'].map((c, i) => h('th', { scope: 'col', class: i > 1 ? 'num' : '' }, c)),
      w.schools.map((x) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, x.schoolId),
          h('td', {}, x.schoolName),
          h('td', { class: 'num' }, x.runsPlanned),
          h('td', { class: 'num' }, x.runsDelivered),
          h('td', { class: 'num' }, x.runsOnTime),
        ),
      ),
    ),
  ];
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
      { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': 'The figures of the last 12 weeks, scrolls' },
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
