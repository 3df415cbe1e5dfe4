// When this node has fallen behind the events it has accepted, its deadline alerts (runs not
// started, silent or late) wait for those events instead of raising its own delay: the page says
// so, with how far behind it is, until it has caught up. Read from the readiness probe.
import { $ } from './dom.js';

export async function checkIntake() {
  let intake = null;
  try {
    const response = await fetch('/health/ready', { headers: { Accept: 'application/json' } });
    intake = (await response.json()).intake;
  } catch {
    intake = null; // the stream's state already says when the server cannot be reached
  }
  showIntake(intake);
}

export function showIntake(intake) {
  const banner = $('intake-banner');
  if (intake && intake.status === 'DEGRADED') {
    const minutes = Math.max(1, Math.round(intake.lagSeconds / 60));
    banner.textContent =
      `TravelWatch is ${minutes} min behind the events it has received. Alerts for runs not started,` +
      ' silent or late wait until it has caught up: ring operators about runs that worry you.';
    banner.hidden = false;
  } else {
    banner.hidden = true;
    banner.textContent = '';
  }
}
