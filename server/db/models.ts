/**
 * Models are bound to a connection (the app and each test database have their own), not
 * to mongoose's global default. `defineModel` gives a domain both forms it needs.
 */
import type { Connection, Model, Schema } from 'mongoose';

export function defineModel<T>(name: string, schema: Schema<T>): {
  /** The model bound to `connection` (compiled once per connection). */
  model: (connection: Connection) => Model<T>;
  /** The model once its indexes exist — commands that rely on unique indexes use this. */
  ready: (connection: Connection) => Promise<Model<T>>;
} {
  const model = (connection: Connection): Model<T> => (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
  return {
    model,
    async ready(connection) {
      const m = model(connection);
      await m.init();
      return m;
    },
  };
}
