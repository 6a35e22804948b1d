package dev.hull.engine.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hull.spec.json.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Expected outputs are what `docker inspect -f` / Go's text/template print for the same data. */
class GoTemplateTest {

    static final String INSPECT = """
            {"Id":"4f2a9c1b2d3e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8",
             "Name":"/web",
             "State":{"Status":"running","Running":true,"Paused":false,"Pid":4242,"ExitCode":0,
                      "Health":null},
             "Config":{"User":"","Env":["PATH=/usr/bin","A=1"],
                       "Labels":{"com.example.tier":"front","b":"2"},
                       "Cmd":["nginx","-g","daemon off;"]},
             "HostConfig":{"NetworkMode":"bridge","Memory":0,"Binds":null,"AutoRemove":false},
             "Mounts":[{"Type":"bind","Source":"/srv/data","Destination":"/data","RW":true},
                       {"Type":"volume","Source":"/var/lib/hull/v/_data","Destination":"/v","RW":false}],
             "NetworkSettings":{"Networks":{"bridge":{"IPAddress":"172.17.0.2"}}},
             "Cpu":0.5}
            """;

    static Object data() {
        try {
            return Json.parse(INSPECT);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String render(String template) throws TemplateException {
        return GoTemplate.parse(template).render(data());
    }

    static String renderOn(String template, Object data) throws TemplateException {
        return GoTemplate.parse(template).render(data);
    }

    static String error(String template) {
        return assertThrows(TemplateException.class, () -> render(template)).getMessage();
    }

    @Nested
    class InspectExamples {
        @Test
        void fields() throws Exception {
            assertEquals("", render("{{.Config.User}}"));
            assertEquals("4242", render("{{.State.Pid}}"));
            assertEquals("/web", render("{{.Name}}"));
            assertEquals("172.17.0.2", render("{{.NetworkSettings.Networks.bridge.IPAddress}}"));
            assertEquals("pid=4242 name=/web", render("pid={{.State.Pid}} name={{.Name}}"));
        }

        @Test
        void jsonKeepsMemberOrder() throws Exception {
            assertEquals("{\"NetworkMode\":\"bridge\",\"Memory\":0,\"Binds\":null,\"AutoRemove\":false}",
                    render("{{json .HostConfig}}"));
            assertEquals("[\"nginx\",\"-g\",\"daemon off;\"]", render("{{json .Config.Cmd}}"));
            assertEquals("null", render("{{json .State.Health}}"));
            assertEquals("null", render("{{json .Missing}}"));
        }

        @Test
        void rangeOverMounts() throws Exception {
            assertEquals("/srv/data:/data /var/lib/hull/v/_data:/v ",
                    render("{{range .Mounts}}{{.Source}}:{{.Destination}} {{end}}"));
        }

        @Test
        void indexLabels() throws Exception {
            assertEquals("front", render("{{index .Config.Labels \"com.example.tier\"}}"));
            // Docker's Labels is map[string]string: a missing key is "".
            assertEquals("[]", render("[{{index .Config.Labels \"nope\"}}]"));
        }

        @Test
        void ifRunning() throws Exception {
            assertEquals("yes", render("{{if .State.Running}}yes{{else}}no{{end}}"));
            assertEquals("no", render("{{if .State.Paused}}yes{{else}}no{{end}}"));
        }

        @Test
        void rangeKeyValueSortedKeys() throws Exception {
            assertEquals("b=2;com.example.tier=front;",
                    render("{{range $k,$v := .Config.Labels}}{{$k}}={{$v}};{{end}}"));
        }
    }

    @Nested
    class Printing {
        @Test
        void valuesAsGoPrintsThem() throws Exception {
            assertEquals("[PATH=/usr/bin A=1]", render("{{.Config.Env}}"));
            assertEquals("map[b:2 com.example.tier:front]", render("{{.Config.Labels}}"));
            assertEquals("true false", render("{{.State.Running}} {{.HostConfig.AutoRemove}}"));
            assertEquals("0.5", render("{{.Cpu}}"));
            assertEquals("map[IPAddress:172.17.0.2]", render("{{.NetworkSettings.Networks.bridge}}"));
        }

        @Test
        void missingAndNull() throws Exception {
            assertEquals("<no value>", render("{{.Missing}}"));
            assertEquals("<no value>", render("{{.Missing.Deeper}}"));
            assertEquals("<no value>", render("{{.State.Health}}"));
            assertEquals("<nil>", render("{{print .State.Health}}"));
            assertEquals("<nil>", render("{{print nil}}"));
            assertEquals("<no value>", renderOn("{{.}}", null));
            List<Object> withNull = new ArrayList<>(Arrays.asList("a", null, 1L));
            assertEquals("[a <nil> 1]", renderOn("{{.}}", withNull));
        }

        @Test
        void floats() throws Exception {
            assertEquals("1e+06 100000 1.5e-05 0.0001 3.5 1.234567e+06 -0",
                    renderOn("{{.a}} {{.b}} {{.c}} {{.d}} {{.e}} {{.f}} {{.g}}",
                            Map.of("a", 1e6, "b", 1e5, "c", 0.000015, "d", 0.0001, "e", 3.5,
                                    "f", 1234567.0, "g", -0.0)));
        }

        @Test
        void constants() throws Exception {
            assertEquals("3 -3 16 8 97 3.5 1e+06 true false hi raw\\n",
                    render("{{3}} {{-3}} {{0x10}} {{0o10}} {{'a'}} {{3.5}} {{1e6}} {{true}} {{false}}"
                            + " {{\"hi\"}} {{`raw\\n`}}"));
            assertEquals("tab\tquote\"", render("{{\"tab\\tquote\\\"\"}}"));
        }

        @Test
        void spacesAndNewlinesInsideActions() throws Exception {
            assertEquals("/web", render("{{ .Name }}"));
            assertEquals("[yes]", render("[{{ if .State.Running -}}  yes  {{- end }}]"));
            assertEquals("/web 4242", render("{{printf \"%s %d\"\n  .Name\n  .State.Pid}}"));
            assertEquals("x\n", render("{{range .Mounts -}}\n{{- end}}x\n"));
        }

        @Test
        void trimMarkersAndComments() throws Exception {
            assertEquals("a/webb", render("a  {{- .Name -}}  b"));
            assertEquals("a/web\n", render("a\n  {{- .Name}}\n"));
            assertEquals("ab", render("a{{/* a comment */}}b"));
            assertEquals("ab", render("a \n{{- /* a comment */ -}}\n b"));
            assertEquals("x-3y", render("x{{-3}}y"));
        }
    }

    @Nested
    class Functions {
        @Test
        void strings() throws Exception {
            assertEquals("abc ABC Hello World-Foo_bar",
                    render("{{lower \"ABC\"}} {{upper \"abc\"}} {{title \"hello world-foo_bar\"}}"));
            assertEquals("[a b c]", render("{{split \"a,b,c\" \",\"}}"));
            assertEquals("b", render("{{index (split \"a:b\" \":\") 1}}"));
            assertEquals("nginx -g daemon off;", render("{{join .Config.Cmd \" \"}}"));
            assertEquals("4f2a9c1b2d3e", render("{{truncate .Id 12}}"));
            assertEquals("ab", render("{{truncate \"ab\" 12}}"));
            assertEquals("| x  |", render("|{{pad \"x\" 1 2}}|"));
            assertEquals("||", render("|{{pad \"\" 1 2}}|"));
        }

        @Test
        void lenAndIndex() throws Exception {
            assertEquals("2 3 4 2", render("{{len .Mounts}} {{len .Config.Cmd}} {{len .Name}} {{len .Config.Labels}}"));
            assertEquals("/data", render("{{(index .Mounts 0).Destination}}"));
            assertEquals("/v", render("{{index .Mounts 1 \"Destination\"}}"));
            assertEquals("[-g daemon off;]", render("{{slice .Config.Cmd 1}}"));
            assertEquals("we", render("{{slice .Name 1 3}}"));
        }

        @Test
        void print() throws Exception {
            assertEquals("a1 2b", render("{{print \"a\" 1 2 \"b\"}}"));
            assertEquals("a 1\n", render("{{println \"a\" 1}}"));
            assertEquals("/web-4242 [PATH=/usr/bin A=1] \"x\" true",
                    render("{{printf \"%s-%d %v %q %t\" .Name .State.Pid .Config.Env \"x\" true}}"));
            assertEquals("   42|ab   |003.1|0.50|100%", render("{{printf \"%5d|%-5s|%05.1f|%.2f|%d%%\" 42 \"ab\" 3.14159 .Cpu 100}}"));
            assertEquals("%!d(string=x) %!s(MISSING)", render("{{printf \"%d %s\" \"x\"}}"));
            assertEquals("a%!(EXTRA int=1)", render("{{printf \"a\" 1}}"));
            assertEquals("ff 0x1f", render("{{printf \"%x %#x\" 255 31}}"));
        }

        @Test
        void comparisons() throws Exception {
            assertEquals("up", render("{{if eq .State.Status \"paused\" \"running\"}}up{{end}}"));
            assertEquals("true false true true false true",
                    render("{{gt .State.Pid 0}} {{lt .State.Pid 0}} {{ne .Name \"x\"}} {{le 1 1}}"
                            + " {{ge \"a\" \"b\"}} {{lt 1.5 2.5}}"));
            assertEquals("false true", render("{{eq .Missing \"x\"}} {{eq .State.Health nil}}"));
            assertEquals("template: :1:2: executing \"\" at <eq 1 1.0>: error calling eq: "
                    + "incompatible types for comparison", error("{{eq 1 1.0}}"));
            assertEquals("template: :1:2: executing \"\" at <lt .Mounts 1>: error calling lt: "
                    + "invalid type for comparison", error("{{lt .Mounts 1}}"));
        }

        @Test
        void logic() throws Exception {
            assertEquals("0 x false true", render("{{and 1 0}} {{or 0 \"x\"}} {{not .State.Running}} {{not 0}}"));
            assertEquals("4242", render("{{and .State.Running .State.Pid}}"));
            // and/or stop at the first deciding argument, so the failing index is never run.
            assertEquals("false", render("{{and false (index .Mounts 5)}}"));
            assertEquals("true", render("{{or true (index .Mounts 5)}}"));
        }

        @Test
        void pipelines() throws Exception {
            assertEquals("/web!", render("{{.Name | printf \"%s!\"}}"));
            assertEquals("3", render("{{.Config.Cmd | len}}"));
            assertEquals("ABC.", render("{{\"abc\" | upper | printf \"%s.\"}}"));
            assertEquals("3", render("{{.Config.Cmd | len | print}}"));
            assertEquals("{\"Type\":\"bind\",\"Source\":\"/srv/data\",\"Destination\":\"/data\",\"RW\":true}",
                    render("{{index .Mounts 0 | json}}"));
        }

        @Test
        void json() throws Exception {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("z", "a<b>&\"\n\t\u0001\u2028é");
            m.put("a", Arrays.asList(1e21, 1e-7, 100.0, 0.5, -2L, true));
            assertEquals("{\"z\":\"a<b>&\\\"\\n\\t\\u0001\\u2028é\",\"a\":[1e+21,1e-7,100,0.5,-2,true]}",
                    renderOn("{{json .}}", m));
        }

        @Test
        void labelMethodOfDockerRows() throws Exception {
            Object row = Json.parse("{\"Names\":\"web\",\"Labels\":{\"com.docker.compose.project\":\"shop\"}}");
            assertEquals("shop|", renderOn("{{.Label \"com.docker.compose.project\"}}|{{.Label \"x\"}}", row));
        }

        @Test
        void htmlAndUrlquery() throws Exception {
            assertEquals("&lt;a&gt; &amp; &#34;b&#39; a%2Fb+c%3F",
                    render("{{html \"<a> & \\\"b'\"}} {{urlquery \"a/b c?\"}}"));
        }
    }

    @Nested
    class Control {
        @Test
        void elseIfChains() throws Exception {
            String t = "{{if eq .State.Status \"exited\"}}E{{else if eq .State.Status \"running\"}}R"
                    + "{{else}}?{{end}}";
            assertEquals("R", render(t));
            assertEquals("none", render("{{if .Missing}}m{{else if .State.Paused}}p{{else}}none{{end}}"));
        }

        @Test
        void with() throws Exception {
            assertEquals("running", render("{{with .State}}{{.Status}}{{end}}"));
            assertEquals("none", render("{{with .Missing}}x{{else}}none{{end}}"));
            assertEquals("172.17.0.2", render("{{with $n := .NetworkSettings.Networks.bridge}}{{$n.IPAddress}}{{end}}"));
            assertEquals("b", render("{{with .Missing}}a{{else with .Name}}b{{end}}"));
        }

        @Test
        void ranges() throws Exception {
            assertEquals("no binds", render("{{range .HostConfig.Binds}}x{{else}}no binds{{end}}"));
            assertEquals("no", render("{{range .Missing}}x{{else}}no{{end}}"));
            assertEquals("2,front,", render("{{range .Config.Labels}}{{.}},{{end}}"));
            assertEquals("0:nginx 1:-g 2:daemon off; ",
                    render("{{range $i, $e := .Config.Cmd}}{{$i}}:{{$e}} {{end}}"));
            assertEquals("nginx|-g|daemon off;|", render("{{range $e := .Config.Cmd}}{{$e}}|{{end}}"));
            assertEquals("/web /web ", render("{{range .Mounts}}{{$.Name}} {{end}}"));
            assertEquals("nginx ", render("{{range .Config.Cmd}}{{if eq . \"-g\"}}{{break}}{{end}}{{.}} {{end}}"));
            assertEquals("nginx daemon off; ",
                    render("{{range .Config.Cmd}}{{if eq . \"-g\"}}{{continue}}{{end}}{{.}} {{end}}"));
            assertEquals("012", render("{{range 3}}{{.}}{{end}}"));
            assertEquals("template: :1:2: executing \"\" at <{{range .Name}}x{{en...>: range can't iterate over /web",
                    error("{{range .Name}}x{{end}}"));
        }

        @Test
        void variables() throws Exception {
            assertEquals("/web", render("{{$n := .Name}}{{$n}}"));
            assertEquals("2", render("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}"));
            assertEquals("bind volume ", render("{{range $m := .Mounts}}{{$m.Type}} {{end}}"));
            assertEquals("4242", render("{{$s := .State}}{{$s.Pid}}"));
            assertEquals("running", render("{{$.State.Status}}"));
        }
    }

    @Nested
    class Errors {
        @Test
        void fieldOnNonMap() {
            assertEquals("template: :1:7: executing \"\" at <.Name.Foo>: can't evaluate field Foo in type string",
                    error("{{.Name.Foo}}"));
            assertEquals("template: :1:9: executing \"\" at <.Mounts.Source>: can't evaluate field Source"
                    + " in type []interface {}", error("{{.Mounts.Source}}"));
        }

        @Test
        void fieldOnNull() {
            assertEquals("template: :1:8: executing \"\" at <.State.Health.Status>: nil pointer evaluating"
                    + " interface {}.Status", error("{{.State.Health.Status}}"));
        }

        @Test
        void positionsCountLinesAndBytes() {
            assertEquals("template: :2:10: executing \"\" at <.Name.X>: can't evaluate field X in type string",
                    error("line one\né {{.Name.X}}"));
        }

        @Test
        void longContextIsCut() {
            assertEquals("template: :1:18: executing \"\" at <.NetworkSettings.Net...>: can't evaluate field"
                    + " X in type string", error("{{.NetworkSettings.Networks.bridge.IPAddress.X}}"));
        }

        @Test
        void functionErrors() {
            assertEquals("template: :1:2: executing \"\" at <index .Mounts 5>: error calling index: "
                    + "index out of range: 5", error("{{index .Mounts 5}}"));
            assertEquals("template: :1:2: executing \"\" at <len>: wrong number of args for len: want 1 got 0",
                    error("{{len}}"));
            assertEquals("template: :1:2: executing \"\" at <printf>: wrong number of args for printf: "
                    + "want at least 1 got 0", error("{{printf}}"));
            assertEquals("template: :1:14: executing \"\" at <.State.Pid>: wrong type for value; expected string; got int",
                    error("{{upper .State.Pid}}"));
            assertEquals("template: :1:2: executing \"\" at <nil>: nil is not a command", error("{{nil}}"));
            assertEquals("template: :1:2: executing \"\" at <.Name>: Name is not a method but has arguments",
                    error("{{.Name 1}}"));
            assertEquals("template: :1:2: executing \"\" at <index .Config.Labels...>: error calling index: "
                    + "value has type int; should be string", error("{{index .Config.Labels 1}}"));
        }

        @Test
        void missingKeyErrorOption() throws Exception {
            GoTemplate t = GoTemplate.parse("{{.State.Nope}}").withMissingKeyError();
            TemplateException e = assertThrows(TemplateException.class, () -> t.render(data()));
            assertEquals("template: :1:8: executing \"\" at <.State.Nope>: map has no entry for key \"Nope\"",
                    e.getMessage());
            assertEquals(1, e.line());
            assertEquals(8, e.column());
            assertEquals("4242", GoTemplate.parse("{{.State.Pid}}").withMissingKeyError().render(data()));
        }

        @Test
        void parseErrors() {
            assertEquals("template: :1: function \"foo\" not defined", error("{{foo .Name}}"));
            assertEquals("template: :1: unclosed action", error("{{.Name"));
            assertEquals("template: :1: unexpected {{end}}", error("a{{end}}"));
            assertEquals("template: :1: unexpected {{else}}", error("a{{else}}"));
            assertEquals("template: :1: unexpected EOF", error("{{if .State.Running}}yes"));
            assertEquals("template: :1: undefined variable \"$x\"", error("{{$x}}"));
            assertEquals("template: :1: undefined variable \"$v\"", error("{{range $v := .Mounts}}{{end}}{{$v}}"));
            assertEquals("template: :1: {{break}} outside {{range}}", error("{{break}}"));
            assertEquals("template: :2: function \"foo\" not defined", error("a\n{{foo}}"));
            assertEquals("template: :1: non executable command in pipeline stage 2", error("{{.Name | \"x\"}}"));
            assertEquals("template: :1: unterminated quoted string", error("{{\"x}}"));
            assertEquals("template: :1: missing value for command", error("{{}}"));
            assertEquals("template: :1: missing value for if", error("{{if}}x{{end}}"));
            assertEquals("template: :1: unclosed comment", error("{{/* x"));
            assertEquals("template: :1: bad character U+0023 '#'", error("{{.Name#}}"));
            assertEquals("template: :1: bad character U+0022 '\"'", error("{{.Name\"x\"}}"));
            assertEquals("template: :1: unexpected \"\\\"x\\\"\" in operand", error("{{(.Name)\"x\"}}"));
            assertEquals("template: :1: unexpected \"\\\"a very lo\"... in operand", error("{{(.Name)\"a very long string\"}}"));
            assertEquals("template: :1: unexpected <else> in operand", error("{{.Name else}}"));
            assertEquals("template: :1: unclosed left paren", error("{{(.Name}}"));
            assertEquals("template: :1: unexpected right paren", error("{{.Name)}}"));
            assertEquals("template: :1: {{template}} is not supported", error("{{template \"x\"}}"));
        }
    }
}
