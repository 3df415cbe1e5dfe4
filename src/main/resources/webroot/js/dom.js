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
