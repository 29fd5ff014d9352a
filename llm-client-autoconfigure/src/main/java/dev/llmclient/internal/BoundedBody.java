package dev.llmclient.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import org.apache.hc.core5.http.io.EofSensorInputStream;

/**
 * Reads a response body up to a limit. Past the limit it stops and aborts the connection, so an
 * oversized answer is neither held in memory nor downloaded to its end.
 */
final class BoundedBody {

    private BoundedBody() {
    }

    /**
     * Reads the whole body.
     * @param in the body
     * @param limit the most bytes accepted
     * @return the bytes, or {@code null} when the body is larger than the limit
     * @throws IOException when reading fails
     */
    static byte[] read(InputStream in, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        byte[] buffer = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > limit) {
                abort(in);
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** Discards the connection instead of draining the rest of the body. */
    static void abort(InputStream in) throws IOException {
        if (in instanceof EofSensorInputStream sensor) {
            sensor.abort();
        }
    }

}
