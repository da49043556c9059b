import { ContextProvider } from '@lit/context';
import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { ApiClient } from '../state/api-client';
import { LiveStore } from '../state/live-store';
import { servicesContext, type Services } from '../state/services';
import { Session } from '../state/session';
import { applyTheme } from '../state/theme';
import './oar-connection-status';
import './oar-session-menu';
import './oar-stale-banner';
import './oar-dashboard-page';
import './oar-wall';
import './oar-jobs-page';
import './oar-nodes-page';
import './oar-operations-list';
import './oar-event-feed';
import './oar-gantt-page';
import './oar-job-page';
import './oar-node-page';
import './oar-history-page';

const ROUTES = [
  { path: '/', title: 'Dashboard' },
  { path: '/wall', title: 'Wall' },
  { path: '/nodes', title: 'Nodes' },
  { path: '/jobs', title: 'Jobs' },
  { path: '/gantt', title: 'Gantt' },
  { path: '/history', title: 'History' },
  { path: '/events', title: 'Events' },
  { path: '/operations', title: 'Operations' },
];

/** Pages of one thing: `/jobs/75`, `/nodes/node8` (a node name is URL-encoded). */
const JOB_PAGE = /^\/jobs\/([1-9]\d{0,15})$/;
const NODE_PAGE = /^\/nodes\/([^/]+)$/;

/** A path segment as written in the URL bar; a malformed escape is taken literally (no page has that name). */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The application shell: creates the shared services (live store, session, REST client), provides
 * them through @lit/context, and routes with the History API. A seven-route table and two patterns
 * did not justify a router dependency.
 */
@customElement('oar-app')
export class OarApp extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      min-height: 100vh;
    }
    header {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem 1.25rem;
      padding: 0.5rem 1rem;
      background: var(--surface);
      border-bottom: 1px solid var(--border);
    }
    .brand {
      font-weight: 800;
      font-size: 1.15rem;
      color: var(--fg);
      text-decoration: none;
    }
    nav {
      display: flex;
      gap: 0.25rem;
      flex-wrap: wrap;
    }
    nav a {
      color: var(--link);
      padding: 0.3rem 0.6rem;
      border-radius: 4px;
      text-decoration: none;
      font-weight: 600;
    }
    nav a[aria-current='page'] {
      background: var(--accent);
      color: var(--accent-fg);
    }
    a:focus-visible,
    select:focus-visible {
      outline: 3px solid var(--focus);
      outline-offset: 2px;
    }
    .spacer {
      flex: 1;
    }
    main {
      padding: 1rem;
      flex: 1;
    }
    .wall-gantt {
      height: 100vh;
    }
    select {
      font: inherit;
      background: var(--bg);
      color: var(--fg);
      border: 1px solid var(--border);
      border-radius: 4px;
    }
  `;

  @state() private path = location.pathname;
  /** Changes with each navigation: a page is made anew for each URL, so it reads its filters from it. */
  @state() private navigation = 0;
  @state() private theme: string;
  /** Public so tests and the benchmark can drive the store of a running app. */
  readonly services: Services;

  constructor() {
    super();
    const session = new Session(localStorage);
    const live = new LiveStore({
      token: () => session.token,
      // An expired or revoked token: carry on anonymously (the API decides whether that may read).
      onRefused: (reason) => /token/.test(reason) && session.token && session.signOut(),
      // Then the server hangs up; the session menu says why and offers to sign in again.
      onSessionEnded: (reason) => session.signOut(reason),
    });
    this.services = { session, live, api: new ApiClient(session) };
    new ContextProvider(this, { context: servicesContext, initialValue: this.services });
    session.subscribe(() => live.reconnect());
    this.theme =
      new URLSearchParams(location.search).get('theme') ?? localStorage.getItem('oar-live.theme') ?? 'system';
    applyTheme(this.theme);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.services.live.start();
    window.addEventListener('popstate', this.onPopState);
    this.addEventListener('click', this.onLinkClick);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.services.live.stop();
    window.removeEventListener('popstate', this.onPopState);
    this.removeEventListener('click', this.onLinkClick);
  }

  protected override willUpdate(): void {
    // The wall picks its own theme (dark by default); the other pages use the chosen one.
    if (this.path !== '/wall') applyTheme(this.theme);
  }

  override render() {
    if (this.path === '/wall')
      return new URLSearchParams(location.search).get('view') === 'gantt'
        ? html`<oar-gantt class="wall-gantt"></oar-gantt>`
        : html`<oar-wall></oar-wall>`;
    const route = ROUTES.find((r) => r.path === this.path);
    const current = route ?? ROUTES.find((r) => r.path !== '/' && this.path.startsWith(`${r.path}/`));
    document.title = `${this.pageTitle() ?? route?.title ?? 'Not found'} · oar-live`;
    return html`<header>
        <a class="brand" href="/">oar-live</a>
        <nav aria-label="Pages">
          ${ROUTES.map((r) => html`<a href=${r.path} aria-current=${r === current ? 'page' : 'false'}>${r.title}</a>`)}
        </nav>
        <span class="spacer"></span>
        <oar-connection-status></oar-connection-status>
        <label
          >Theme
          <select @change=${this.onTheme} .value=${this.theme}>
            <option value="system">System</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
            <option value="contrast">High contrast</option>
          </select></label
        >
        <oar-session-menu @signed-in=${this.focusPage}></oar-session-menu>
      </header>
      <oar-stale-banner></oar-stale-banner>
      <main tabindex="-1">${keyed(this.navigation, this.page())}</main>`;
  }

  /** The focus on the page's heading (else its main area): after signing in, the work goes on there. */
  private async focusPage() {
    await this.updateComplete;
    const main = this.renderRoot.querySelector<HTMLElement>('main');
    const page = main?.firstElementChild as (HTMLElement & { updateComplete?: Promise<unknown> }) | null;
    await page?.updateComplete;
    const heading = page?.shadowRoot?.querySelector<HTMLElement>('h1');
    if (heading) heading.tabIndex = -1;
    (heading ?? main)?.focus();
  }

  private pageTitle(): string | undefined {
    const job = JOB_PAGE.exec(this.path);
    if (job) return `Job ${job[1]}`;
    const node = NODE_PAGE.exec(this.path);
    return node ? `Node ${decoded(node[1])}` : undefined;
  }

  private page() {
    const job = JOB_PAGE.exec(this.path);
    if (job) return html`<oar-job-page .jobId=${Number(job[1])}></oar-job-page>`;
    const node = NODE_PAGE.exec(this.path);
    if (node) return html`<oar-node-page .name=${decoded(node[1])}></oar-node-page>`;
    switch (this.path) {
      case '/':
        return html`<oar-dashboard-page></oar-dashboard-page>`;
      case '/nodes':
        return html`<oar-nodes-page></oar-nodes-page>`;
      case '/jobs':
        return html`<oar-jobs-page></oar-jobs-page>`;
      case '/events':
        return html`<oar-event-feed></oar-event-feed>`;
      case '/operations':
        return html`<oar-operations-list></oar-operations-list>`;
      case '/gantt':
        return html`<oar-gantt-page></oar-gantt-page>`;
      case '/history':
        return html`<oar-history-page></oar-history-page>`;
      default:
        return html`<h1>Not found</h1>
          <p><a href="/">Back to the dashboard</a></p>`;
    }
  }

  private readonly onPopState = () => {
    this.path = location.pathname;
    this.navigation++;
  };

  private readonly onLinkClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const anchor = event.composedPath().find((el): el is HTMLAnchorElement => el instanceof HTMLAnchorElement);
    const href = anchor?.getAttribute('href');
    if (!anchor || !href?.startsWith('/') || anchor.target) return;
    event.preventDefault();
    history.pushState(null, '', href);
    this.path = location.pathname;
    this.navigation++;
  };

  private onTheme(event: Event) {
    this.theme = (event.target as HTMLSelectElement).value;
    localStorage.setItem('oar-live.theme', this.theme);
    applyTheme(this.theme);
  }
}
