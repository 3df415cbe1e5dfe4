// Small helpers to build the page with text nodes only (never HTML from data), and to show the
// service's times and figures.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name === 'class') {
      element.className = value;
    } else if (name.startsWith('on')) {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value === true ? '' : value);
    }
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) {
      element.append(child instanceof Node ? child : String(child));
    }
  }
  return element;
}

export function $(id) {
  return document.getElementById(id);
}

/** HH:MM of an RFC 3339 time, as the server wrote it in the service's time zone. */
export function clock(rfc3339) {
  return rfc3339 ? rfc3339.substring(11, 16) : '–';
}

export function percent(p) {
  if (!p) {
    return '–';
  }
  const figure = p.percent === null || p.percent === undefined ? 'n/a' : `${Number(p.percent).toFixed(2)}%`;
  return `${figure} (${p.numerator}/${p.denominator})`;
}

export const STATUS_LABELS = {
  planned: 'Planned',
  crew_assigned: 'Crew assigned',
  started: 'Started',
  arrived: 'Arrived',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

/** A pupil's state on a run, in words. */
export const PUPIL_STATES = {
  expected: 'Expected',
  boarded: 'On board',
  absent: 'Absent',
  dropped: 'Dropped off',
  dropped_elsewhere: 'Dropped at another stop',
  missed: 'Missed',
};

export const SEVERITY = {
  critical: { rank: 0, label: 'Critical', symbol: '◆' },
  high: { rank: 1, label: 'High', symbol: '▲' },
  warning: { rank: 2, label: 'Warning', symbol: '●' },
};

export function minutesAndSeconds(seconds) {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m} min ${s} s` : `${s} s`;
}

/** What each alert type is about, in a few words; the type's code stays in data-type. */
export const ALERT_TYPES = {
  'crew.dbs_not_cleared': 'DBS not cleared',
  'crew.dbs_invalid': 'DBS invalid',
  'crew.unknown': 'Unknown crew',
  'crew.guide_missing': 'Guide missing',
  'pupil.wrong_dropoff': 'Wrong drop-off',
  'incident.safeguarding': 'Safeguarding',
  'school.pupil_not_arrived': 'Pupil not arrived',
  'school.report': "School's report",
  'run.not_started': 'Not started',
  'run.late': 'Late',
  'run.cancelled': 'Cancelled',
  'pupil.missed': 'Pupil missed',
  'pupil.journey_too_long': 'Journey too long',
  'calls.answer_rate_low': 'Answer rate low',
  'calls.long_wait': 'Call waiting',
  'crew.changed': 'Crew changed',
  'run.feed_silent': 'Feed silent',
  'crew.badge_expired': 'Badge expired',
  'vehicle.alarm': 'Vehicle alarm',
};

export function alertTypeLabel(type) {
  return ALERT_TYPES[type] || type;
}

/** A code with its name beside it, when the name is known: `OP055 Oakfield Travel`. */
export function named(id, name) {
  if (!id) {
    return '';
  }
  return name && name !== id ? `${id} ${name}` : id;
}

/** Fills a select with value/label pairs, keeping the choice when it is still offered. */
export function fillSelect(select, pairs, allLabel = 'All') {
  const chosen = select.value;
  select.replaceChildren(
    h('option', { value: '' }, allLabel),
    ...pairs.map(([value, label]) => h('option', { value }, label)),
  );
  select.value = pairs.some(([value]) => value === chosen) ? chosen : '';
}
