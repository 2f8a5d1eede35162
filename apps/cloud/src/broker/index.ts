/**
 * The cloud's broker side: credentials, identities, the ACL, the embedded aedes broker, and the
 * files an external Mosquitto needs to enforce the same rules.
 *
 * @packageDocumentation
 */
export { generateSecret, hashSecret, verifySecret } from './secrets';
export {
  CLOUD_USERNAME,
  PLATFORM_CLIENT_ID_PREFIX,
  brokerPlatformIdProblem,
  clientIdProblem,
  describeIdentity,
  platformClientId,
  type BrokerIdentity,
  type CredentialVerifier,
} from './identity';
export { mayPublish, mayReceive, maySubscribe, topicFilterProblem, type AclDecision } from './acl';
export { startEmbeddedBroker, type EmbeddedBroker, type EmbeddedBrokerOptions } from './embedded';
export {
  MOSQUITTO_ACL_FILE,
  MOSQUITTO_PASSWORD_FILE,
  addPlatformToMosquitto,
  cloudAclBlock,
  mosquittoPasswordLine,
  platformAclBlock,
  removePlatformFromMosquitto,
  setMosquittoCloudUser,
  writeMosquittoFiles,
  type MosquittoCloudUser,
  type MosquittoPlatformUser,
} from './mosquitto-files';
