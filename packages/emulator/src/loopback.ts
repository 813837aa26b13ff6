/** Hosts that never leave the machine (a bound interface, a webhook URL taken over http). */
export const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || host.startsWith('127.')
