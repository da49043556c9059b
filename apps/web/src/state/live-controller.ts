import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { StoreChange } from './live-store';
import { servicesContext, type Services } from './services';

type Host = ReactiveControllerHost & HTMLElement;

/**
 * The live store as a Lit reactive controller: finds the shared Services through @lit/context and
 * re-renders its host on every store or session change while the host is connected.
 * `onChange` lets a host react to a particular change (e.g. flash the nodes of a batch).
 */
export class LiveController implements ReactiveController {
  services?: Services;
  private unsubscribe: Array<() => void> = [];

  constructor(
    private readonly host: Host,
    private readonly onChange?: (change: StoreChange) => void,
  ) {
    host.addController(this);
    new ContextConsumer(host, {
      context: servicesContext,
      subscribe: true,
      callback: (services) => {
        this.services = services;
        this.resubscribe();
        host.requestUpdate();
      },
    });
  }

  /** The live store (named apart from the controller, which hosts call `live`). */
  get store() {
    return this.services?.live;
  }

  get session() {
    return this.services?.session;
  }

  get api() {
    return this.services?.api;
  }

  hostConnected(): void {
    this.resubscribe();
  }

  hostDisconnected(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
  }

  private resubscribe(): void {
    this.hostDisconnected();
    if (!this.services || !this.host.isConnected) return;
    this.unsubscribe.push(
      this.services.live.subscribe((change) => {
        this.onChange?.(change);
        this.host.requestUpdate();
      }),
      this.services.session.subscribe(() => this.host.requestUpdate()),
    );
  }
}
