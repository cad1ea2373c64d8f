package io.smack.localstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** Loopback ports: claiming free or given ones, waiting for one to listen. */
final class Ports {

  static final String HOST = "127.0.0.1";

  private Ports() {}

  /**
   * The ports themselves if they are free, or free ones where they are 0, all distinct: each is
   * held open until all are chosen, so that two zeros never get the same port. Fails naming who
   * wanted a port that is taken.
   *
   * @param purposes who each port is for, in the order of {@code ports}
   */
  static List<Integer> claim(List<Integer> ports, List<String> purposes) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      List<Integer> claimed = new ArrayList<>();
      for (int i = 0; i < ports.size(); i++) {
        ServerSocket socket = bind(ports.get(i), purposes.get(i));
        held.add(socket);
        claimed.add(socket.getLocalPort());
      }
      return List.copyOf(claimed);
    } finally {
      for (ServerSocket socket : held) {
        try {
          socket.close();
        } catch (IOException e) {
          // closing a listening socket that accepted nothing cannot lose anything
        }
      }
    }
  }

  private static ServerSocket bind(int port, String purpose) {
    try {
      ServerSocket socket = new ServerSocket();
      socket.setReuseAddress(true);
      try {
        socket.bind(new InetSocketAddress(HOST, port));
      } catch (IOException e) {
        socket.close();
        throw e;
      }
      return socket;
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
