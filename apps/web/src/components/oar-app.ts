import { LitElement, html } from 'lit';
import { customElement } from 'lit/decorators.js';

@customElement('oar-app')
export class OarApp extends LitElement {
  override render() {
    return html`<h1>oar-live</h1>`;
  }
}
