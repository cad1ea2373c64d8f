// bin/smack shell: what every session starts with. Shell.help() lists the helpers.
import java.time.*;
import java.util.*;
import org.apache.spark.sql.*;
import static org.apache.spark.sql.functions.*;
import io.smack.common.*;
import io.smack.common.model.*;
import io.smack.shell.*;
import static io.smack.shell.Shell.*;
var spark = Shell.spark();
var cql = Shell.cql();
