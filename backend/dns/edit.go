package dns

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// doc is a parsed configuration file with its source text. Edits splice new
// text into the source at the positions yaml.v3 reports, so that everything
// outside the edited values stays byte for byte as it was.
type doc struct {
	src        []byte
	root       *yaml.Node // the top-level mapping; nil for an empty file
	lineStarts []int      // byte offset of each line, lines counted from 0
}

func parseDoc(src []byte) (*doc, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(src, &n); err != nil {
		return nil, err
	}
	d := &doc{src: src, lineStarts: []int{0}}
	for i, c := range src {
		if c == '\n' {
			d.lineStarts = append(d.lineStarts, i+1)
		}
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		switch r := n.Content[0]; {
		case r.Kind == yaml.MappingNode:
			d.root = r
		case r.Kind == yaml.ScalarNode && r.Tag == "!!null":
		default:
			return nil, errors.New("the file is not a YAML mapping")
		}
	}
	return d, nil
}

// lookup returns the key and value nodes of key in mapping m, or nils.
func lookup(m *yaml.Node, key string) (k, v *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

// offset returns the byte offset of a node's position (columns count runes).
func (d *doc) offset(n *yaml.Node) int {
	if n.Line < 1 || n.Line > len(d.lineStarts) {
		return len(d.src)
	}
	off := d.lineStarts[n.Line-1]
	for col := 1; col < n.Column && off < len(d.src) && d.src[off] != '\n'; col++ {
		_, size := utf8.DecodeRune(d.src[off:])
		off += size
	}
	return off
}

// lineEnd returns the offset of the newline ending the line holding off, or
// the end of the source.
func (d *doc) lineEnd(off int) int {
	if i := bytes.IndexByte(d.src[off:], '\n'); i >= 0 {
		return off + i
	}
	return len(d.src)
}

var errUnsupported = errors.New("unsupported YAML construct")

// tokenEnd returns the end of the scalar or flow collection starting at off:
// a quoted string, a bracketed collection, or a plain scalar ending at a
// comment or the end of the line.
func (d *doc) tokenEnd(off int) (int, error) {
	s := d.src
	if off >= len(s) {
		return len(s), nil
	}
	switch s[off] {
	case '"':
		for i := off + 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case '"':
				return i + 1, nil
			}
		}
		return 0, errUnsupported
	case '\'':
		for i := off + 1; i < len(s); i++ {
			if s[i] == '\'' {
				if i+1 < len(s) && s[i+1] == '\'' {
					i++
					continue
				}
				return i + 1, nil
			}
		}
		return 0, errUnsupported
	case '[', '{':
		depth := 0
		for i := off; i < len(s); i++ {
			switch c := s[i]; c {
			case '"', '\'':
				end, err := d.tokenEnd(i)
				if err != nil {
					return 0, err
				}
				i = end - 1
			case '#':
				if i > 0 && (s[i-1] == ' ' || s[i-1] == '\t' || s[i-1] == '\n') {
					i = d.lineEnd(i) - 1
				}
			case '[', '{':
				depth++
			case ']', '}':
				depth--
				if depth == 0 {
					return i + 1, nil
				}
			}
		}
		return 0, errUnsupported
	case '|', '>', '&', '!':
		return 0, errUnsupported // block scalars, anchors and tags are left alone
	}
	// A plain scalar ends at a comment, at ": " (after a key), or with the line.
	end := d.lineEnd(off)
	for i := off; i < end; i++ {
		if s[i] == '#' && i > off && (s[i-1] == ' ' || s[i-1] == '\t') ||
			s[i] == ':' && (i+1 == end || s[i+1] == ' ' || s[i+1] == '\t' || s[i+1] == '\r') {
			end = i
			break
		}
	}
	for end > off && (s[end-1] == ' ' || s[end-1] == '\t' || s[end-1] == '\r') {
		end--
	}
	return end, nil
}

// isBlock reports whether n is a collection in block style with content.
func isBlock(n *yaml.Node) bool {
	return (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && n.Style&yaml.FlowStyle == 0 && len(n.Content) > 0
}

// nodeEnd returns the offset just after the last token of n.
func (d *doc) nodeEnd(n *yaml.Node) (int, error) {
	if isBlock(n) {
		last := n.Content[len(n.Content)-1]
		if isEmpty(last) {
			if n.Kind != yaml.MappingNode {
				return 0, errUnsupported
			}
			return d.afterColon(n.Content[len(n.Content)-2]) // "key:" and nothing more
		}
		return d.nodeEnd(last)
	}
	if isEmpty(n) {
		return 0, errUnsupported
	}
	return d.tokenEnd(d.offset(n))
}

// isEmpty reports whether n is a null written as nothing at all, whose
// position yaml.v3 reports as wherever the next token is.
func isEmpty(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == ""
}

// afterColon returns the offset just after the colon that follows key k.
func (d *doc) afterColon(k *yaml.Node) (int, error) {
	i, err := d.tokenEnd(d.offset(k))
	if err != nil {
		return 0, err
	}
	for i < len(d.src) && (d.src[i] == ' ' || d.src[i] == '\t') {
		i++
	}
	if i >= len(d.src) || d.src[i] != ':' {
		return 0, errUnsupported
	}
	return i + 1, nil
}

// splice replaces src[start:end] with text.
type splice struct {
	start, end int
	text       string
}

// editor collects splices into one source.
type editor struct {
	d       *doc
	splices []splice
}

// apply returns the source with every splice made, in order of position
// (inserts at the same position in the order they were added).
func (e *editor) apply() ([]byte, error) {
	sort.SliceStable(e.splices, func(i, j int) bool { return e.splices[i].start < e.splices[j].start })
	var b bytes.Buffer
	at := 0
	for _, s := range e.splices {
		if s.start < at || s.end < s.start {
			return nil, errors.New("overlapping edits")
		}
		b.Write(e.d.src[at:s.start])
		b.WriteString(s.text)
		at = s.end
	}
	b.Write(e.d.src[at:])
	return b.Bytes(), nil
}

// set gives key in the block mapping m the value v: in place when the key
// exists, else as a new last entry.
func (e *editor) set(m *yaml.Node, key string, v *yaml.Node) error {
	if k, old := lookup(m, key); k != nil {
		return e.replace(k, old, v)
	}
	return e.insert(m, key, v)
}

// insert adds key: v after the last entry of the block mapping m.
func (e *editor) insert(m *yaml.Node, key string, v *yaml.Node) error {
	end, err := e.d.nodeEnd(m)
	if err != nil {
		return err
	}
	indent := m.Column - 1
	text, err := renderPair(key, v, indent)
	if err != nil {
		return err
	}
	at := e.d.lineEnd(end) // after a comment ending the last line
	e.splices = append(e.splices, splice{at, at, "\n" + text})
	return nil
}

// replace swaps the value old of key k for v, keeping a comment on the key's
// line and everything after the old value.
func (e *editor) replace(k, old, v *yaml.Node) error {
	d := e.d
	colon, err := d.afterColon(k)
	if err != nil {
		return err
	}
	end := colon
	if !isEmpty(old) {
		if end, err = d.nodeEnd(old); err != nil {
			return err
		}
	}
	inline, err := renderInline(v)
	if err != nil {
		return err
	}
	simple := v.Kind == yaml.ScalarNode || len(v.Content) == 0
	sameLine := old.Line == k.Line && !isBlock(old) && !isEmpty(old)

	if sameLine && (simple || old.Kind != yaml.ScalarNode) && !strings.Contains(inline, "\n") {
		// key: value [# comment] — or a flow collection kept in flow style.
		start := d.offset(old)
		e.splices = append(e.splices, splice{start, end, inline})
		return nil
	}

	// The value starts on a later line, or turns from a scalar into a
	// collection: rewrite everything after the colon.
	comment := ""
	if rest := strings.TrimSpace(string(d.src[colon:d.lineEnd(colon)])); strings.HasPrefix(rest, "#") &&
		(isEmpty(old) || old.Line > k.Line) {
		comment = rest
	}
	if comment != "" {
		comment = " " + comment
		end = max(end, d.lineEnd(colon))
	}
	if simple && !strings.Contains(inline, "\n") {
		e.splices = append(e.splices, splice{colon, end, " " + inline + comment})
		return nil
	}
	indent := k.Column - 1 + 2
	if old.Line > k.Line {
		indent = old.Column - 1
	}
	if isBlock(old) {
		// The last item's comment goes with the item: kept below where the
		// item is, dropped with it.
		if rest := strings.TrimSpace(string(d.src[end:d.lineEnd(end)])); strings.HasPrefix(rest, "#") {
			end = d.lineEnd(end)
		}
		v = withItemComments(v, old)
	}
	block, err := renderBlock(v, indent)
	if err != nil {
		return err
	}
	e.splices = append(e.splices, splice{colon, end, comment + "\n" + block})
	return nil
}

// withItemComments returns a copy of the sequence v whose items carry the
// line comments of the items of old with the same value.
func withItemComments(v, old *yaml.Node) *yaml.Node {
	if v.Kind != yaml.SequenceNode || old.Kind != yaml.SequenceNode {
		return v
	}
	comments := map[string]string{}
	for _, item := range old.Content {
		if item.Kind == yaml.ScalarNode && item.LineComment != "" {
			comments[item.Value] = item.LineComment
		}
	}
	c := *v
	c.Content = make([]*yaml.Node, len(v.Content))
	for i, item := range v.Content {
		it := *item
		if it.Kind == yaml.ScalarNode {
			it.LineComment = comments[it.Value]
		}
		c.Content[i] = &it
	}
	return &c
}

// encode renders n with yaml.v3, two spaces per level, without the final newline.
func encode(n *yaml.Node) (string, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// renderInline renders v on one line where it can: a scalar, or a flow collection.
func renderInline(v *yaml.Node) (string, error) {
	c := *v
	if c.Kind != yaml.ScalarNode {
		c.Style = yaml.FlowStyle
	}
	return encode(&c)
}

// renderBlock renders v in block style, every line indented by indent spaces.
func renderBlock(v *yaml.Node, indent int) (string, error) {
	s, err := encode(v)
	if err != nil {
		return "", err
	}
	pad := strings.Repeat(" ", indent)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = pad + l
	}
	return strings.Join(lines, "\n"), nil
}

// renderPair renders "key: value" at indent, a collection as a block below the key.
func renderPair(key string, v *yaml.Node, indent int) (string, error) {
	pad := strings.Repeat(" ", indent)
	k, err := encode(str(key))
	if err != nil {
		return "", err
	}
	if v.Kind == yaml.ScalarNode || len(v.Content) == 0 {
		inline, err := renderInline(v)
		if err != nil {
			return "", err
		}
		return pad + k + ": " + inline, nil
	}
	block, err := renderBlock(v, indent+2)
	if err != nil {
		return "", err
	}
	return pad + k + ":\n" + block, nil
}

// Node constructors for new values, in block style.

func str(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

func boolean(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(b)}
}

func strs(ss []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, s := range ss {
		n.Content = append(n.Content, str(s))
	}
	return n
}

func splitNode(m map[string][]string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	domains := make([]string, 0, len(m))
	for d := range m {
		domains = append(domains, d)
	}
	slices.Sort(domains)
	for _, d := range domains {
		n.Content = append(n.Content, str(d), strs(m[d]))
	}
	return n
}

// dnsKeys are the keys of the dns section Save writes, in the order new ones
// are added; nameservers holds global and split.
var dnsKeys = []string{"magic_dns", "base_domain", "override_local_dns", "nameservers", "search_domains"}

// values returns the new value node of each key Save writes.
func (s Settings) values() map[string]*yaml.Node {
	return map[string]*yaml.Node{
		"magic_dns":          boolean(s.MagicDNS),
		"base_domain":        str(s.BaseDomain),
		"override_local_dns": boolean(s.OverrideLocalDNS),
		"search_domains":     strs(s.SearchDomains),
		"global":             strs(s.GlobalNameservers),
		"split":              splitNode(s.SplitNameservers),
	}
}

// merged returns a block mapping with m's entries (m may be nil or not a
// mapping), the keys in order set to their values and appended when missing.
func merged(m *yaml.Node, order []string, values map[string]*yaml.Node) *yaml.Node {
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	seen := map[string]bool{}
	if m != nil && m.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			if nv, ok := values[k.Value]; ok && !seen[k.Value] {
				v = nv
			}
			seen[k.Value] = true
			out.Content = append(out.Content, k, v)
		}
	}
	for _, k := range order {
		if !seen[k] {
			out.Content = append(out.Content, str(k), values[k])
		}
	}
	return out
}

// setSettings returns the source with the dns section's settings set to s.
func (d *doc) setSettings(s Settings) ([]byte, error) {
	vals := s.values()
	nsKeys := []string{"global", "split"}
	e := &editor{d: d}

	if d.root == nil || len(d.root.Content) == 0 {
		dnsVals := map[string]*yaml.Node{}
		for _, k := range dnsKeys {
			dnsVals[k] = vals[k]
		}
		dnsVals["nameservers"] = merged(nil, nsKeys, vals)
		block, err := renderPair("dns", merged(nil, dnsKeys, dnsVals), 0)
		if err != nil {
			return nil, err
		}
		src := d.src
		if len(bytes.TrimSpace(src)) == 0 {
			src = nil
		} else if !bytes.HasSuffix(src, []byte("\n")) {
			src = append(slices.Clip(src), '\n')
		}
		return append(slices.Clip(src), block+"\n"...), nil
	}

	dnsK, dnsV := lookup(d.root, "dns")
	if dnsK == nil {
		dnsVals := map[string]*yaml.Node{}
		for _, k := range dnsKeys {
			dnsVals[k] = vals[k]
		}
		dnsVals["nameservers"] = merged(nil, nsKeys, vals)
		if err := e.insert(d.root, "dns", merged(nil, dnsKeys, dnsVals)); err != nil {
			return nil, err
		}
		return e.apply()
	}
	if dnsV.Kind != yaml.MappingNode || !isBlock(dnsV) {
		// dns: {…} or an empty dns: rewrite the section as a whole.
		_, nsV := lookup(dnsV, "nameservers")
		dnsVals := map[string]*yaml.Node{"nameservers": merged(nsV, nsKeys, vals)}
		for _, k := range dnsKeys {
			if k != "nameservers" {
				dnsVals[k] = vals[k]
			}
		}
		if err := e.replace(dnsK, dnsV, merged(dnsV, dnsKeys, dnsVals)); err != nil {
			return nil, err
		}
		return e.apply()
	}
	for _, k := range dnsKeys {
		if k == "nameservers" {
			continue
		}
		if err := e.set(dnsV, k, vals[k]); err != nil {
			return nil, err
		}
	}
	nsK, nsV := lookup(dnsV, "nameservers")
	switch {
	case nsK == nil:
		err := e.insert(dnsV, "nameservers", merged(nil, nsKeys, vals))
		if err != nil {
			return nil, err
		}
	case nsV.Kind == yaml.MappingNode && isBlock(nsV):
		for _, k := range nsKeys {
			if err := e.set(nsV, k, vals[k]); err != nil {
				return nil, err
			}
		}
	default:
		if err := e.replace(nsK, nsV, merged(nsV, nsKeys, vals)); err != nil {
			return nil, err
		}
	}
	return e.apply()
}

// sameOutsideDNS reports whether two configuration files hold the same data
// once the keys Save writes are left out.
func sameOutsideDNS(a, b []byte) bool {
	strip := func(src []byte) (any, bool) {
		var m map[string]any
		if err := yaml.Unmarshal(src, &m); err != nil {
			return nil, false
		}
		if m == nil {
			m = map[string]any{}
		}
		if dns, ok := m["dns"].(map[string]any); ok {
			for _, k := range dnsKeys {
				if k != "nameservers" {
					delete(dns, k)
				}
			}
			if ns, ok := dns["nameservers"].(map[string]any); ok {
				delete(ns, "global")
				delete(ns, "split")
				if len(ns) == 0 {
					delete(dns, "nameservers")
				}
			} else if dns["nameservers"] == nil {
				delete(dns, "nameservers")
			}
			if len(dns) == 0 {
				delete(m, "dns")
			}
		} else if m["dns"] == nil {
			delete(m, "dns")
		}
		return m, true
	}
	ma, okA := strip(a)
	mb, okB := strip(b)
	return okA && okB && reflect.DeepEqual(ma, mb)
}
