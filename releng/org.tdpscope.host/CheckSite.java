/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/

import java.io.File;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Checks the update site's p2 metadata (content.jar): the category offers both TDP Scope features, and
 * neither feature pins an IU that is not TDP Scope's to one exact version ([v,v]), which would make the
 * install fail in every Eclipse but the one the site was built against. Run as a source file:
 * {@code java CheckSite.java REPOSITORY_DIR}; exit 1 with the offending requirements.
 */
public class CheckSite {
    static final List<String> FEATURES = List.of("org.tdpscope.feature.feature.group",
            "org.tdpscope.ui.feature.feature.group");

    public static void main(String[] args) throws Exception {
        File contentJar = new File(args[0], "content.jar");
        Element repository;
        try (ZipFile zip = new ZipFile(contentJar); InputStream in = zip.getInputStream(zip.getEntry("content.xml"))) {
            repository = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in).getDocumentElement();
        }
        List<String> problems = new ArrayList<>();
        List<String> categorized = new ArrayList<>();
        int ranges = 0;
        NodeList units = repository.getElementsByTagName("unit");
        for (int i = 0; i < units.getLength(); i++) {
            Element unit = (Element) units.item(i);
            String id = unit.getAttribute("id");
            boolean category = hasProperty(unit, "org.eclipse.equinox.p2.type.category", "true");
            if (!category && !FEATURES.contains(id)) {
                continue;
            }
            NodeList required = unit.getElementsByTagName("required");
            for (int j = 0; j < required.getLength(); j++) {
                Element req = (Element) required.item(j);
                String name = req.getAttribute("name");
                String range = req.getAttribute("range");
                if (category) {
                    categorized.add(name);
                } else if (!name.startsWith("org.tdpscope.")) {
                    ranges++;
                    if (isExact(range)) {
                        problems.add(id + " pins " + name + " " + range);
                    }
                }
            }
        }
        for (String feature : FEATURES) {
            if (!categorized.contains(feature)) {
                problems.add("no category offers " + feature);
            }
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> System.err.println("update site: " + p));
            System.exit(1);
        }
        System.out.println("update site: category offers " + FEATURES + "; " + ranges
                + " requirements on platform/EMF/Xtext/ELK IUs, none pinned to one version");
    }

    static boolean hasProperty(Element unit, String name, String value) {
        NodeList properties = unit.getElementsByTagName("property");
        for (int i = 0; i < properties.getLength(); i++) {
            Element p = (Element) properties.item(i);
            if (name.equals(p.getAttribute("name")) && value.equals(p.getAttribute("value"))) {
                return true;
            }
        }
        return false;
    }

    /** [v,v]: the range a feature's plugin inclusion gets. */
    static boolean isExact(String range) {
        if (!range.startsWith("[") || !range.endsWith("]") || !range.contains(",")) {
            return false;
        }
        String[] bounds = range.substring(1, range.length() - 1).split(",");
        return bounds.length == 2 && bounds[0].trim().equals(bounds[1].trim());
    }
}
