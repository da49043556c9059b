import { z } from 'zod';

/**
 * A whole number from `min` to `max` read from text (an environment variable, a query parameter),
 * refused with the one `message` whatever is wrong with it, so the person reads the whole rule.
 */
export const wholeNumber = (min: number, max: number, message: string) =>
  z.coerce.number({ message }).int(message).min(min, message).max(max, message);
