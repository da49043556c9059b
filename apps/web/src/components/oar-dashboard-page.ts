import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { Node } from '@oar-live/oar-client';
import {
  groupByProperty,
  matchesProperty,
  parsePropertyFilter,
  propertyNames,
  propertyChoices,
} from '../state/node-properties';
import { readUrlState, writeUrlState } from '../state/url-state';
import { filterSelect } from './sortable-table';
import { tableStyles } from './table-styles';
import { RUNNING_STATES, WAITING_STATES, summarize } from '@oar-live/shared';
import { LiveController } from '../state/live-controller';
import './oar-summary';
import './oar-node-grid';
import './oar-job-list';
import './oar-state-legend';
import './oar-utilisation-chart';

/**
 * `/`: summary, node grid, running and waiting jobs. The grid can be filtered by a site property
 * (`?property=cluster=alpha`) and split into one grid per value of one (`?group=cluster`).
 */
@customElement('oar-dashboard-page')
export class OarDashboardPage extends LitElement {
  static override styles = [
    tableStyles,
    css`
      :host {
        display: grid;
        gap: 1rem;
      }
      .jobs {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr));
        gap: 1rem;
      }
      h2,
      h3 {
        font-size: 1rem;
        margin: 0 0 0.4rem;
      }
      oar-utilisation-chart {
        height: 14rem;
      }
    `,
  ];

  private readonly live = new LiveController(this);
  @state() private groupBy = readUrlState().get('group') ?? '';
  @state() private propertyFilter = readUrlState().get('property') ?? '';

  override render() {
    const snapshot = this.live.store?.snapshot;
    if (!snapshot) return html`<p>Waiting for the cluster…</p>`;
    const summary = summarize(snapshot.nodes, snapshot.jobs);
    return html`<oar-summary .summary=${summary}></oar-summary>
      <section aria-label="Node grid">
        <h2>Nodes</h2>
        <oar-state-legend></oar-state-legend>
        ${this.propertyControls(snapshot.nodes)} ${this.grids(snapshot.nodes)}
      </section>
      <section aria-label="Utilisation over time">
        <h2>Utilisation</h2>
        <oar-utilisation-chart hours="24"></oar-utilisation-chart>
      </section>
      <div class="jobs">
        <oar-job-list
          heading="Running"
          .jobs=${snapshot.jobs.filter((j) => RUNNING_STATES.has(j.state))}
        ></oar-job-list>
        <oar-job-list
          heading="Waiting"
          .jobs=${snapshot.jobs.filter((j) => WAITING_STATES.has(j.state))}
        ></oar-job-list>
      </div>`;
  }

  private grids(all: readonly Node[]) {
    const filter = parsePropertyFilter(this.propertyFilter);
    const nodes = filter ? all.filter((n) => matchesProperty(n, filter)) : all;
    const tileSize = tileSizeFor(nodes.length);
    if (!this.groupBy) return html`<oar-node-grid .nodes=${nodes} .tileSize=${tileSize} flash></oar-node-grid>`;
    return groupByProperty(nodes, this.groupBy).map(
      (group) =>
        html`<section aria-label=${`${this.groupBy} ${group.value}`}>
          <h3>${this.groupBy} = ${group.value} · ${group.nodes.length} nodes</h3>
          <oar-node-grid .nodes=${group.nodes} .tileSize=${tileSize} flash></oar-node-grid>
        </section>`,
    );
  }

  private propertyControls(nodes: readonly Node[]) {
    const names = propertyNames(nodes);
    if (names.length === 0) return null;
    const choices = propertyChoices(nodes);
    const pick = (key: 'group' | 'property') => (value: string) => {
      if (key === 'group') this.groupBy = value;
      else this.propertyFilter = value;
      writeUrlState({ [key]: value });
    };
    return html`<div class="toolbar">
      ${filterSelect('Property', choices, this.propertyFilter, pick('property'))}
      ${filterSelect('Group by', names, this.groupBy, pick('group'), 'Nothing')}
    </div>`;
  }
}

/** Smaller tiles for big clusters: keeps the page short and the canvas within browser size limits. */
function tileSizeFor(nodes: number): number {
  return nodes > 2000 ? 20 : nodes > 500 ? 32 : nodes > 64 ? 64 : 96;
}
