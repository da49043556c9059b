import { LitElement, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { LIVE_EVENT_TYPES, type WholeEvent } from '@oar-live/shared';
import type { FeedEntry } from '../state/live-store';
import { LiveController } from '../state/live-controller';
import { tableStyles } from './table-styles';
import { jobLink, nodeLink, operationLink } from './links';
import { readUrlState, writeUrlState } from '../state/url-state';

/**
 * `/events`: the live event feed, newest first; filter by type (kept in the URL: `?hide=job.changed`),
 * pause, export as NDJSON. Each event links to the node, job or operation it is about.
 */
@customElement('oar-event-feed')
export class OarEventFeed extends LitElement {
  static override styles = tableStyles;

  private readonly live = new LiveController(this);
  @state() private hiddenTypes = new Set<string>(readUrlState().get('hide')?.split(',').filter(Boolean) ?? []);
  /** The feed as it was when paused; undefined while live. */
  @state() private paused?: FeedEntry[];
  private readonly limit = 500;

  /** Entries that pass the filter, newest first. */
  shownEntries(): FeedEntry[] {
    const feed = this.paused ?? this.live.store?.feed ?? [];
    const shown: FeedEntry[] = [];
    for (let i = feed.length - 1; i >= 0 && shown.length < this.limit; i--)
      if (!this.hiddenTypes.has(feed[i].event.type)) shown.push(feed[i]);
    return shown;
  }

  override render() {
    const shown = this.shownEntries();
    return html`<h1>Events</h1>
      <div class="toolbar">
        <fieldset>
          <legend>Types</legend>
          ${LIVE_EVENT_TYPES.map(
            (type) =>
              html`<label style="flex-direction: row; gap: .3rem"
                ><input
                  type="checkbox"
                  .checked=${!this.hiddenTypes.has(type)}
                  @change=${() => this.toggle(type)}
                />${type}</label
              > `,
          )}
        </fieldset>
        <button @click=${this.togglePause} aria-pressed=${!!this.paused}>${this.paused ? 'Resume' : 'Pause'}</button>
        <button @click=${this.export}>Export NDJSON</button>
        <span class="muted" aria-live="polite">${this.paused ? 'Paused' : 'Live'} · ${shown.length} shown</span>
      </div>
      <table aria-label="Events">
        <thead>
          <tr>
            <th>Seq</th>
            <th>Time</th>
            <th>Type</th>
            <th>What</th>
          </tr>
        </thead>
        <tbody>
          ${shown.map(
            (entry) =>
              html`<tr data-type=${entry.event.type}>
                <td>${entry.seq}</td>
                <td>${new Date(entry.at).toLocaleTimeString()}</td>
                <td>${entry.event.type}</td>
                <td class="wrap">${describeEvent(entry.event)}</td>
              </tr>`,
          )}
        </tbody>
      </table>`;
  }

  private toggle(type: string) {
    const next = new Set(this.hiddenTypes);
    if (next.has(type)) next.delete(type);
    else next.add(type);
    this.hiddenTypes = next;
    writeUrlState({ hide: [...next].sort().join(',') });
  }

  private togglePause() {
    this.paused = this.paused ? undefined : [...(this.live.store?.feed ?? [])];
  }

  private export() {
    const lines = this.shownEntries()
      .reverse()
      .map((entry) => JSON.stringify(entry))
      .join('\n');
    const url = URL.createObjectURL(new Blob([lines + '\n'], { type: 'application/x-ndjson' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `oar-live-events-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson`;
    link.click();
    URL.revokeObjectURL(url);
  }
}

/** One event in words, the node, job or operation it is about as a link to its page. */
function describeEvent(event: WholeEvent) {
  switch (event.type) {
    case 'node.added':
    case 'node.changed':
      return html`${nodeLink(event.node.name)}
      ${event.node.state}${event.changed ? ` (${event.changed.join(', ')})` : ''}`;
    case 'node.removed':
      return html`${nodeLink(event.name)} removed`;
    case 'job.added':
    case 'job.changed':
      return html`job ${jobLink(event.job.id)}
      ${event.job.state}${event.changed ? ` (${event.changed.join(', ')})` : ''}`;
    case 'job.removed':
      return html`job ${jobLink(event.id)} ended
      ${event.job.state}${event.job.exitCode != null ? `, exit ${event.job.exitCode}` : ''}`;
    case 'source.status':
      return `OAR ${event.status}${event.error ? `: ${event.error}` : ''}`;
    case 'operation.updated':
      return html`${operationLink(event.operation.id)} ${event.operation.kind}
      ${event.operation.state}${event.operation.error ? `: ${event.operation.error.message}` : ''}`;
  }
}
