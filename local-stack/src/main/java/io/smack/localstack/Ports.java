package io.smack.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback ports: finding a free one, checking that one is free, waiting for one to listen. */
final class Ports {

  static final String HOST = "127.0.0.1";

  private Ports() {}

  /** A port that was free a moment ago; the OS does not hand it out again soon. */
  static int free() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      socket.setReuseAddress(false);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + HOST, e);
    }
  }

  /** The port itself if it is free, or a free one if it is 0; fails naming who wanted it. */
  static int claim(int port, String purpose) {
    if (port == 0) {
      return free();
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(HOST, port));
      return port;
    } catch (IOException e) {
      throw new StackStartException(
          "port "
              + port
              + " for "
              + purpose
              + " is in use on "
              + HOST
              + ": is another local stack running? Stop it, or choose other ports"
              + " (bin/smack up --free-ports)",
          e);
    }
  }

  /** True when something accepts TCP connections on the port. */
  static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
