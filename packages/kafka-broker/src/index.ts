export { startBroker, type Broker } from "./broker";
export type { BrokerOptions } from "./broker-options";
export { startTemporaryBroker, type TemporaryBroker } from "./temporary-broker";
