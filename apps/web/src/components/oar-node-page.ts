import { Task } from '@lit/task';
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { withResourceDefaults, type Job, type Node, type NodeResource } from '@oar-live/oar-client';
import { nodeStateIn, type NodeStateChange } from '@oar-live/shared';
import { LiveController } from '../state/live-controller';
import { stateStyle } from '../state/node-style';
import { jobLink, joined, userLink } from './links';
import { fieldListStyles, pageStyles, tableStyles } from './table-styles';

const when = (iso: string) => new Date(iso).toLocaleString();

/** The columns of the resources table: OAR's own fields, then the site's properties. */
const RESOURCE_COLUMNS: Array<[label: string, value: (r: ReturnType<typeof withResourceDefaults>) => unknown]> = [
  ['Id', (r) => r.id],
  ['State', (r) => r.state],
  ['Host', (r) => r.host],
  ['Cpu', (r) => r.cpu],
  ['Core', (r) => r.core],
  ['Cpuset', (r) => r.cpuset],
  ['Type', (r) => r.type],
  ['Besteffort', (r) => (r.besteffort ? 'yes' : 'no')],
  ['Drain', (r) => (r.drain ? 'yes' : 'no')],
  ['Next state', (r) => r.nextState],
];

/**
 * `/nodes/:name`: one node from the live view (its resources with every property, the jobs on its
 * cores now and those planned there) and its state history from oar-live's own event log
 * (`GET /api/history/nodes/:name`, as far back as the log keeps), then the changes seen live.
 */
@customElement('oar-node-page')
export class OarNodePage extends LitElement {
  static override styles = [tableStyles, pageStyles, fieldListStyles];

  @property() name = '';
  private readonly live = new LiveController(this);

  private readonly history = new Task(this, {
    task: async ([name, api], { signal }) => (api ? api.history.node(name, signal) : undefined),
    args: () => [this.name, this.live.api] as const,
  });

  override render() {
    const snapshot = this.live.store?.snapshot;
    const node = snapshot?.nodes.find((n) => n.name === this.name);
    if (!snapshot)
      return html`<h1>Node ${this.name}</h1>
        <p class="muted">Waiting for the cluster…</p>`;
    if (!node)
      return html`<h1>Node ${this.name}</h1>
        <p role="alert">OAR has no node named ${this.name} now.</p>
        ${this.historySection()}`;
    const jobs = new Map(snapshot.jobs.map((j) => [j.id, j]));
    const style = stateStyle(node.state);
    return html`<h1>Node ${node.name}</h1>
      <section aria-labelledby="h-summary">
        <h2 id="h-summary">Summary</h2>
        <dl>
          <dt>State</dt>
          <dd data-field="state">
            <span style="color: var(${style.colorVar})" aria-hidden="true">${style.icon}</span> ${node.state}
            ${node.stateReason ? html`<span class="muted">· ${node.stateReason}</span>` : null}
          </dd>
          <dt>Cores</dt>
          <dd data-field="cores">${node.busyCores} of ${node.totalCores} busy</dd>
          ${Object.entries(node.properties ?? {}).map(
            ([name, value]) =>
              html`<dt>${name}</dt>
                <dd data-property=${name}>${value}</dd>`,
          )}
        </dl>
      </section>
      ${this.jobSection('Jobs on its cores now', 'running', node.jobIds, jobs)}
      ${this.jobSection('Jobs planned on it', 'planned', node.plannedJobIds ?? [], jobs)} ${this.resourceTable(node)}
      ${this.historySection()}`;
  }

  private jobSection(title: string, id: string, ids: readonly number[], jobs: ReadonlyMap<number, Job>) {
    return html`<section aria-labelledby=${`h-${id}`}>
      <h2 id=${`h-${id}`}>${title}</h2>
      ${
        ids.length === 0
          ? html`<p class="muted">None.</p>`
          : html`<ul data-field=${`${id}-jobs`}>
              ${ids.map((jobId) => {
                const job = jobs.get(jobId);
                return html`<li>
                  Job ${jobLink(jobId)}${job ? html` · ${job.name ?? ''} by ${userLink(job.user)}, ${job.state}` : null}
                </li>`;
              })}
            </ul>`
      }
    </section>`;
  }

  private resourceTable(node: Node) {
    const properties = [...new Set(node.resources.flatMap((r) => Object.keys(r.properties ?? {})))].sort();
    const rows = node.resources.map((r: NodeResource) => withResourceDefaults(r, node.name));
    return html`<section aria-labelledby="h-resources">
      <h2 id="h-resources">Resources (cores)</h2>
      <table aria-label=${`Resources of ${node.name}`} data-field="resources">
        <thead>
          <tr>
            ${RESOURCE_COLUMNS.map(([label]) => html`<th scope="col">${label}</th>`)}
            ${properties.map((p) => html`<th scope="col">${p}</th>`)}
            <th scope="col">Jobs</th>
            <th scope="col">Planned jobs</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (r) =>
              html`<tr data-resource=${r.id}>
                ${RESOURCE_COLUMNS.map(([, value]) => html`<td>${value(r) ?? ''}</td>`)}
                ${properties.map((p) => html`<td>${r.properties?.[p] ?? ''}</td>`)}
                <td data-col="jobs">${joined(r.jobIds, (id) => jobLink(id))}</td>
                <td>${joined(r.plannedJobIds ?? [], (id) => jobLink(id))}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>`;
  }

  /** The log's changes, then the ones seen live since (the store's feed), without repeats. */
  private historySection() {
    return html`<section aria-labelledby="h-history">
      <h2 id="h-history">State history</h2>
      ${this.history.render({
        pending: () => html`<p class="muted">Loading…</p>`,
        error: (err) => html`<p class="error" role="alert">${(err as Error).message}</p>`,
        complete: (history) => {
          const changes = this.withLiveChanges(history?.changes ?? []);
          return html`<p class="muted">
              oar-live's event log keeps a few minutes${history?.since ? html`: since ${when(history.since)}` : ''}.
            </p>
            ${
              changes.length === 0
                ? html`<p class="muted">No state change in that time.</p>`
                : html`<ol data-field="history">
                    ${changes.map((c) => html`<li>${when(c.at)} · ${c.state ?? 'removed from OAR'}</li>`)}
                  </ol>`
            }`;
        },
      })}
    </section>`;
  }

  private withLiveChanges(logged: readonly NodeStateChange[]): NodeStateChange[] {
    const changes = [...logged];
    const lastSeq = changes.at(-1)?.seq ?? 0;
    for (const entry of this.live.store?.feed ?? []) {
      if (entry.seq <= lastSeq) continue;
      const state = nodeStateIn(entry.event, this.name);
      if (state !== undefined && state !== changes.at(-1)?.state) changes.push({ at: entry.at, seq: entry.seq, state });
    }
    return changes;
  }
}
