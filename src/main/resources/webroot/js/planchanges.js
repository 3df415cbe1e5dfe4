// Plan changes waiting for a manager's approval (managers and admins): until one is approved its
// runs are monitored as they stood, so the control room sees it pending here, with who made it,
// why and what it changes, and a manager approves it from the list (not their own).

import { get, post } from './api.js';
import { $, h, clock } from './dom.js';

const SECTIONS = {
  runsAdded: 'runs added',
  runsRemoved: 'runs removed',
  runsRetimed: 'runs retimed',
  runsRerouted: 'runs moved to another route',
  stopsChanged: 'stops changed',
  pupilsMoved: 'pupils moved',
  crewChanged: 'planned crew changed',
  routesMoved: 'routes moved to another operator',
};

let me = null;

export function startPlanChanges(email, serviceDate) {
  me = email;
  return loadPlanChanges(serviceDate);
}

export function clearPlanChanges() {
  me = null;
  $('plan-changes').hidden = true;
  $('plan-change-list').replaceChildren();
}

export async function loadPlanChanges(serviceDate) {
  if (me === null) {
    return;
  }
  const to = new Date(`${serviceDate}T12:00:00Z`);
  const from = new Date(to.getTime() - 14 * 86_400_000);
  const day = (d) => d.toISOString().slice(0, 10);
  const answer = await get(`/api/v1/plan/changes?from=${day(from)}&to=${day(to)}`);
  const pending = (answer.items || []).filter((c) => c.state === 'pending');
  $('plan-changes').hidden = pending.length === 0;
  $('plan-changes-summary').textContent =
    pending.length === 1 ? '1 change waits' : `${pending.length} changes wait`;
  $('plan-change-list').replaceChildren(...pending.map((c) => item(c, serviceDate)));
}

function item(change, serviceDate) {
  const what = Object.entries(SECTIONS)
    .filter(([key]) => (change.summary || {})[key] > 0)
    .map(([key, words]) => `${change.summary[key]} ${words}`)
    .join(', ');
  const status = h('p', { class: 'plan-change-status', role: 'status' });
  const own = change.madeBy === `user:${me}` || change.madeBy === me;
  const approve = h(
    'button',
    {
      type: 'button',
      disabled: own,
      title: own ? 'Another manager approves your own change' : undefined,
      onclick: async () => {
        approve.disabled = true;
        try {
          await post(`/api/v1/plan/changes/${change.id}/approve`);
          status.textContent = `Change ${change.id} approved: it takes effect now.`;
          await loadPlanChanges(serviceDate);
        } catch (e) {
          status.textContent = e.message;
          approve.disabled = false;
        }
      },
    },
    `Approve change ${change.id}`,
  );
  return h(
    'li',
    { class: 'plan-change', 'data-change-id': String(change.id) },
    h('p', {}, h('strong', {}, `Change ${change.id}`), ` by ${change.madeBy} at ${clock(change.madeAt)}`),
    h('p', {}, change.reason ? `Why: ${change.reason}` : 'No reason given'),
    h('p', {}, what || 'No runs changed'),
    approve,
    status,
  );
}
