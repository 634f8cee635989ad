/**
 * A memo that forgets everything once it holds `limit` keys. Rules ask the same questions
 * about one cluster in a burst, so a small memo catches the repeats, while a snapshot of
 * thousands of clusters does not keep every answer alive (which would only feed the GC).
 */
export class BoundedMemo<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly limit: number) {}

  has(key: K): boolean {
    return this.map.has(key);
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    if (this.map.size >= this.limit) this.map.clear();
    this.map.set(key, value);
  }

  clear(): void {
    this.map.clear();
  }
}
