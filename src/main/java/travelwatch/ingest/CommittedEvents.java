package travelwatch.ingest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import travelwatch.platform.cluster.WireText;

/**
 * Committed events on their way to a shard's monitor: what the monitor needs of each, in the order
 * they were stored. Sent between nodes in a compact binary form (no JSON to write and parse again:
 * the body is already the stored text), and handed over as is within a node (it is immutable).
 */
public record CommittedEvents(List<Committed> events) {
  /**
   * One stored event. {@code owner} is who sent it (the key's owner); {@code runId} is null for
   * events not about a run.
   */
  public record Committed(
      long seq,
      String owner,
      String eventId,
      String type,
      Instant occurredAt,
      Instant receivedAt,
      String runId,
      String body) {}

  public CommittedEvents {
    events = List.copyOf(events);
  }

  /** Lets every node's bus carry these messages; call once per Vert.x before anything is sent. */
  public static void register(EventBus bus) {
    bus.registerDefaultCodec(CommittedEvents.class, new Codec());
  }

  /** The wire form: a count, then per event its number, times and strings (length-prefixed). */
  static final class Codec implements MessageCodec<CommittedEvents, CommittedEvents> {
    @Override
    public void encodeToWire(Buffer buffer, CommittedEvents batch) {
      buffer.appendInt(batch.events.size());
      for (Committed c : batch.events) {
        buffer.appendLong(c.seq());
        instant(buffer, c.occurredAt());
        instant(buffer, c.receivedAt());
        WireText.append(buffer, c.owner());
        WireText.append(buffer, c.eventId());
        WireText.append(buffer, c.type());
        WireText.append(buffer, c.runId());
        WireText.append(buffer, c.body());
      }
    }

    @Override
    public CommittedEvents decodeFromWire(int pos, Buffer buffer) {
      int[] at = {pos};
      int n = buffer.getInt(at[0]);
      at[0] += 4;
      List<Committed> events = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        long seq = buffer.getLong(at[0]);
        at[0] += 8;
        Instant occurredAt = instant(buffer, at);
        Instant receivedAt = instant(buffer, at);
        String owner = WireText.read(buffer, at);
        String eventId = WireText.read(buffer, at);
        String type = WireText.read(buffer, at);
        String runId = WireText.read(buffer, at);
        String body = WireText.read(buffer, at);
        events.add(new Committed(seq, owner, eventId, type, occurredAt, receivedAt, runId, body));
      }
      return new CommittedEvents(events);
    }

    @Override
    public CommittedEvents transform(CommittedEvents batch) {
      return batch;
    }

    @Override
    public String name() {
      return "travelwatch.committed-events";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }

    private static void instant(Buffer buffer, Instant t) {
      buffer.appendLong(t.getEpochSecond()).appendInt(t.getNano());
    }

    private static Instant instant(Buffer buffer, int[] at) {
      Instant t = Instant.ofEpochSecond(buffer.getLong(at[0]), buffer.getInt(at[0] + 8));
      at[0] += 12;
      return t;
    }
  }
}
