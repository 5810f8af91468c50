// Loaded into Azurite with `node --require` by AzuriteServer.cs, before Azurite's own code runs. Two changes:
//
// 1. Azurite ends with the process that started it. The parent holds Azurite's stdin open; when the parent ends in any
//    way (kill -9 included) the kernel closes it and Azurite exits, so no emulator is left behind holding ports and,
//    worse, a data folder the next run is about to use.
//
// 2. With an on-disk location, every write is saved before Azurite answers it. Azurite keeps its metadata (queue
//    messages, table entities, blob and extent indexes) in LokiJS databases that it saves to disk only every 5 seconds,
//    so a kill -9 would lose up to 5 seconds of writes that were already answered 201, and with them updates the
//    connector had already answered 202. Each store's asynchronous methods are wrapped so that a call that changed the
//    database resolves only after LokiJS has written it (LokiJS writes to a temporary file and renames it over the old
//    one, so a kill mid-save leaves the previous complete file). The store classes are those of the Azurite version
//    pinned in package-lock.json; if an upgrade moves them, Azurite refuses to start rather than run without this.
'use strict';

const path = require('path');

process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();

if (process.env.AZURITE_SAVE_EVERY_WRITE === '1') {
  // process.argv[1] is Azurite's entry point: <azurite>/dist/src/azurite.js.
  const source = path.dirname(process.argv[1]);
  const stores = [
    'queue/persistence/LokiQueueMetadataStore.js',
    'table/persistence/LokiTableMetadataStore.js',
    'blob/persistence/LokiBlobMetadataStore.js',
    'common/persistence/LokiExtentMetadataStore.js',
  ];
  // Lifecycle methods save by themselves (or must not save once closed).
  const lifecycle = new Set(['constructor', 'init', 'close', 'clean', 'isInitialized', 'isClosed']);

  const saved = (db) =>
    new Promise((resolve, reject) => {
      // A pending save may have serialized the database before this change, so a save is asked for either way;
      // LokiJS runs it after the pending one.
      if (!db.autosaveDirty() && !db.throttledSavePending) {
        resolve();
        return;
      }
      db.saveDatabase((error) => (error ? reject(error) : resolve()));
    });

  for (const store of stores) {
    const Store = require(path.join(source, store)).default;
    if (typeof Store !== 'function') {
      throw new Error(`azurite-preload: ${store} no longer exports a store class; update tests/Outreach.Testing/azurite-preload.cjs`);
    }
    for (const name of Object.getOwnPropertyNames(Store.prototype)) {
      const original = Store.prototype[name];
      if (lifecycle.has(name) || typeof original !== 'function') {
        continue;
      }
      Store.prototype[name] = function (...args) {
        const result = original.apply(this, args);
        if (!result || typeof result.then !== 'function' || !this.db || this.db.persistenceMethod !== 'fs') {
          return result;
        }
        return result.then((value) => saved(this.db).then(() => value));
      };
    }
  }
}
