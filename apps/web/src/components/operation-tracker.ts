import { html, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { AcceptedOperation } from '@oar-live/shared';
import type { ApiClient } from '../state/api-client';
import type { LiveController } from '../state/live-controller';
import './oar-operation-status';

/**
 * Sends a mutation (answered 202 {operation}), then follows that operation live through the store;
 * renders the API's refusal or the operation's progress with OAR's own error text.
 */
export class OperationTracker implements ReactiveController {
  operationId?: string;
  error = '';
  busy = false;
  /** Operation whose per-target results were fetched (live events carry only their progress). */
  private resultsFetched?: string;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly live: LiveController,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** A settled bulk operation with failures: its per-target results are read once over REST. */
  hostUpdate(): void {
    const operation = this.operation;
    if (!operation || this.resultsFetched === operation.id || operation.results) return;
    if (!(operation.state === 'succeeded' || operation.state === 'failed') || !operation.progress?.failed) return;
    this.resultsFetched = operation.id;
    this.live
      .api!.operations.get(operation.id)
      .then((full) => this.live.store?.mergeOperations([full]))
      .catch(() => undefined); // the summary and the error stay shown; the details are one click away in Operations
  }

  get operation() {
    return this.operationId ? this.live.store?.operations.get(this.operationId) : undefined;
  }

  /** Sends `request` (one of the client's mutations) and follows the operation it starts. */
  async send(request: (api: ApiClient) => Promise<AcceptedOperation>): Promise<void> {
    this.error = '';
    this.busy = true;
    this.host.requestUpdate();
    try {
      const { operation } = await request(this.live.api!);
      this.live.store?.mergeOperations([operation]);
      this.operationId = operation.id;
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      this.busy = false;
      this.host.requestUpdate();
    }
  }

  /** Shows a local validation error the same way as the API's. */
  fail(message: string): void {
    this.error = message;
    this.host.requestUpdate();
  }

  render() {
    const operation = this.operation;
    return html`${this.error ? html`<p class="error" role="alert">${this.error}</p>` : null}
    ${operation ? html`<oar-operation-status .operation=${operation}></oar-operation-status>` : null}`;
  }
}
