// The plan's operators and schools by id, so the page can put names beside codes. Read once
// after login from GET /api/v1/operators and /api/v1/schools; a run's or alert's own
// operatorName and schoolName are used too, so names show whichever arrives first.

import { get } from './api.js';
import { named } from './dom.js';

const operators = new Map();
const schools = new Map();

export async function loadNames() {
  const [ops, schs] = await Promise.all([
    get('/api/v1/operators').catch(() => ({ items: [] })),
    get('/api/v1/schools').catch(() => ({ items: [] })),
  ]);
  for (const o of ops.items || []) operators.set(o.id, o);
  for (const s of schs.items || []) schools.set(s.id, s);
}

export function clearNames() {
  operators.clear();
  schools.clear();
}

/** Remembers the names an item (a run, an alert) carries. */
export function learnNames(item) {
  if (item.operatorId && item.operatorName && !operators.has(item.operatorId)) {
    operators.set(item.operatorId, { id: item.operatorId, name: item.operatorName });
  }
  if (item.schoolId && item.schoolName && !schools.has(item.schoolId)) {
    schools.set(item.schoolId, { id: item.schoolId, name: item.schoolName });
  }
}

export function operatorName(id) {
  return operators.get(id)?.name;
}

export function schoolName(id) {
  return schools.get(id)?.name;
}

export function operatorLabel(id) {
  return named(id, operatorName(id));
}

export function schoolLabel(id) {
  return named(id, schoolName(id));
}

/** Every school with a position, for the map. */
export function placedSchools() {
  return [...schools.values()].filter((s) => typeof s.lat === 'number' && typeof s.lon === 'number');
}
