/** Stored with every diagnosis, so an old one can be told from one made by a newer engine. */
export const ENGINE_VERSION = '0.1.0'
