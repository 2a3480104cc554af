package dev.notify.cassandra;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;

/**
 * Where a stale-PENDING scan stands: the index partition {@code (bucket, shard)} being read, the driver's paging state
 * inside it ({@code null} at its start), and the threshold of the scan, so that a cursor cannot be reused with
 * another one. Encoded as opaque URL-safe Base64.
 *
 * @param createdBeforeMillis the scan's threshold, epoch milliseconds
 * @param bucket the bucket being read
 * @param shard the shard being read
 * @param pagingState the driver's paging state in that partition, or {@code null} for its start
 */
record StaleCursor(long createdBeforeMillis, long bucket, int shard, ByteBuffer pagingState) {

    private static final byte VERSION = 1;

    StaleCursor {
        pagingState = pagingState == null ? null : pagingState.asReadOnlyBuffer();
    }

    /** The start of the next partition: shard after shard, then the next bucket. */
    StaleCursor nextPartition(int shards) {
        return shard + 1 < shards
                ? new StaleCursor(createdBeforeMillis, bucket, shard + 1, null)
                : new StaleCursor(createdBeforeMillis, bucket + 1, 0, null);
    }

    String encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(createdBeforeMillis);
            out.writeLong(bucket);
            out.writeInt(shard);
            if (pagingState == null) {
                out.writeInt(-1);
            } else {
                ByteBuffer state = pagingState.duplicate();
                byte[] raw = new byte[state.remaining()];
                state.get(raw);
                out.writeInt(raw.length);
                out.write(raw);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.toByteArray());
    }

    /** Decodes a cursor; rejects one that is malformed or that belongs to a scan with another threshold. */
    static StaleCursor decode(String cursor, long expectedCreatedBeforeMillis) {
        ByteBuffer in;
        try {
            in = ByteBuffer.wrap(Base64.getUrlDecoder().decode(cursor));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed stale-PENDING cursor", e);
        }
        try {
            if (in.get() != VERSION) {
                throw new IllegalArgumentException("unknown stale-PENDING cursor version");
            }
            long createdBeforeMillis = in.getLong();
            long bucket = in.getLong();
            int shard = in.getInt();
            int length = in.getInt();
            ByteBuffer pagingState = null;
            if (length >= 0) {
                byte[] raw = new byte[length];
                in.get(raw);
                pagingState = ByteBuffer.wrap(raw);
            }
            if (in.hasRemaining() || shard < 0 || length < -1) {
                throw new IllegalArgumentException("malformed stale-PENDING cursor");
            }
            if (createdBeforeMillis != expectedCreatedBeforeMillis) {
                throw new IllegalArgumentException("the cursor belongs to a scan of PENDING created before "
                        + Instant.ofEpochMilli(createdBeforeMillis) + ", not "
                        + Instant.ofEpochMilli(expectedCreatedBeforeMillis));
            }
            return new StaleCursor(createdBeforeMillis, bucket, shard, pagingState);
        } catch (BufferUnderflowException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("malformed stale-PENDING cursor", e);
        }
    }
}
