import { LitElement, css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import type { CreateNodesRequest } from '@oar-live/shared';
import { LiveController } from '../state/live-controller';
import { tableStyles } from './table-styles';
import { OperationTracker } from './operation-tracker';

/** "Create N nodes with C cores" (POST /api/nodes), then the operation's progress. */
@customElement('oar-node-create-form')
export class OarNodeCreateForm extends LitElement {
  static override styles = [
    tableStyles,
    css`
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6rem;
        align-items: end;
      }
    `,
  ];

  private readonly live = new LiveController(this);
  private readonly create = new OperationTracker(this, this.live);

  override render() {
    return html`<form @submit=${this.submit} novalidate aria-label="Create nodes">
        <label>Count <input name="count" type="number" min="1" max="1000" value="1" required /></label>
        <label>Cores per node <input name="cores" type="number" min="1" max="256" value="2" required /></label>
        <label>Name prefix <input name="prefix" placeholder="node" /></label>
        <button class="primary" type="submit">Create nodes</button>
      </form>
      ${this.create.render()}`;
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const count = Number(data.get('count'));
    const cores = Number(data.get('cores'));
    const prefix = String(data.get('prefix') ?? '').trim();
    if (!Number.isInteger(count) || count < 1 || count > 1000) return this.create.fail('Count must be 1–1000.');
    if (!Number.isInteger(cores) || cores < 1 || cores > 256) return this.create.fail('Cores must be 1–256.');
    if (prefix && !/^[A-Za-z][\w.-]{0,39}$/.test(prefix))
      return this.create.fail('Prefix: a letter, then letters, digits, ".", "-" or "_" (40 at most).');
    const request: CreateNodesRequest = { count, cpus: 1, coresPerCpu: cores };
    if (prefix) request.prefix = prefix;
    await this.create.send((api) => api.nodes.create(request));
  }
}
