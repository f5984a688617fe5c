type ProxyTrust = boolean | ((address: string, hop: number) => boolean);

/** TRUST_PROXY=n trusts the n proxies nearest the api, as Express did; Fastify 5 reads a bare number as "trust none". */
export function proxyTrust(setting: boolean | number): ProxyTrust {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}
