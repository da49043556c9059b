import { createContext } from '@lit/context';
import type { ApiClient } from './api-client';
import type { LiveStore } from './live-store';
import type { Session } from './session';

/** Everything elements share: the live store, who is signed in, and the REST client. */
export interface Services {
  live: LiveStore;
  session: Session;
  api: ApiClient;
}

export const servicesContext = createContext<Services>(Symbol('oar-live-services'));
