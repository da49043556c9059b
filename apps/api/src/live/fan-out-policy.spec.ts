import {
  FAN_OUT_SHARDS,
  FanOutRooms,
  isSlowConsumer,
  MAX_SOCKET_BACKLOG,
  SHARD_ROOMS,
  sliceUsedUp,
} from './fan-out-policy';

describe('fan-out policy', () => {
  it('spreads unfiltered sockets evenly over the shard rooms, in turn', () => {
    const rooms = new FanOutRooms();
    const joined = Array.from({ length: FAN_OUT_SHARDS * 3 }, () => rooms.roomFor({}));
    expect(joined.slice(0, FAN_OUT_SHARDS)).toEqual(SHARD_ROOMS);
    for (const room of SHARD_ROOMS) expect(joined.filter((r) => r === room)).toHaveLength(3);
    expect(rooms.filterRooms.size).toBe(0);
  });

  it('gives equal filters one room, remembered with its subscription', () => {
    const rooms = new FanOutRooms();
    const a = rooms.roomFor({ topics: ['jobs'], user: 'alice' });
    const b = rooms.roomFor({ user: 'alice', topics: ['jobs'] });
    const c = rooms.roomFor({ topics: ['nodes'] });
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(SHARD_ROOMS).not.toContain(a);
    expect([...rooms.filterRooms.keys()].sort()).toEqual([a, c].sort());
    expect(rooms.filterRooms.get(c)).toEqual({ topics: ['nodes'] });
  });

  it('cuts a socket off once its unsent backlog reaches the limit', () => {
    expect(isSlowConsumer(MAX_SOCKET_BACKLOG - 1)).toBe(false);
    expect(isSlowConsumer(MAX_SOCKET_BACKLOG)).toBe(true);
  });

  it('yields once the slice is used up, and after every room with a zero slice', () => {
    expect(sliceUsedUp(100, 109.9, 10)).toBe(false);
    expect(sliceUsedUp(100, 110, 10)).toBe(true);
    expect(sliceUsedUp(100, 100, 0)).toBe(true);
  });
});
