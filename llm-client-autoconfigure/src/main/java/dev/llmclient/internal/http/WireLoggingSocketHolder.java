package dev.llmclient.internal.http;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

import javax.net.ssl.SSLSocket;

import org.apache.hc.core5.http.impl.io.SocketHolder;

/**
 * The socket of a {@link MaskingConnectionFactory} connection whose streams copy every
 * byte to a {@link MaskingWireLog}, one per direction. Used only while the wire logger is
 * at DEBUG when a connection opens.
 */
final class WireLoggingSocketHolder extends SocketHolder {

	private final String id;

	WireLoggingSocketHolder(Socket socket, String id) {
		super(socket);
		this.id = id;
	}

	WireLoggingSocketHolder(SSLSocket sslSocket, Socket socket, String id) {
		super(sslSocket, socket);
		this.id = id;
	}

	@Override
	protected InputStream getInputStream(Socket socket) throws IOException {
		MaskingWireLog wire = new MaskingWireLog(this.id, "<<");
		return new FilterInputStream(super.getInputStream(socket)) {

			@Override
			public int read() throws IOException {
				int b = this.in.read();
				if (b == -1) {
					wire.endOfStream();
				}
				else {
					wire.log(new byte[] { (byte) b }, 0, 1);
				}
				return b;
			}

			@Override
			public int read(byte[] b, int off, int len) throws IOException {
				int read = this.in.read(b, off, len);
				if (read == -1) {
					wire.endOfStream();
				}
				else {
					wire.log(b, off, read);
				}
				return read;
			}

		};
	}

	@Override
	protected OutputStream getOutputStream(Socket socket) throws IOException {
		MaskingWireLog wire = new MaskingWireLog(this.id, ">>");
		return new FilterOutputStream(super.getOutputStream(socket)) {

			@Override
			public void write(int b) throws IOException {
				wire.log(new byte[] { (byte) b }, 0, 1);
				this.out.write(b);
			}

			@Override
			public void write(byte[] b, int off, int len) throws IOException {
				wire.log(b, off, len);
				this.out.write(b, off, len);
			}

		};
	}

}
