package dev.linmem.space;

import java.util.List;

/**
 * Page pictures for tests: one character per map page from page 0. A letter is a mapping whose
 * id is the letter's position (A = 1); lower case marks the same id with PROT_READ only (upper
 * case is PROT_READ|PROT_WRITE); {@code H} is the brk heap, {@code r} the brk reservation and
 * {@code .} a gap. Runs of one character are one mapping.
 */
final class PagePictures {

    static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    static final int RO = Mman.PROT_READ;

    private PagePictures() {
    }

    /** A set over {@code [0, picture.length())} holding the picture's mappings. */
    static MappingSet parse(String picture) {
        MappingSet set = new MappingSet(0, picture.length());
        int i = 0;
        while (i < picture.length()) {
            char c = picture.charAt(i);
            int j = i;
            while (j < picture.length() && picture.charAt(j) == c) {
                j++;
            }
            if (c != '.') {
                set.insert(new Mapping(i, j, Character.isUpperCase(c) ? RW : RO, Character.toUpperCase(c) - 'A' + 1, 0));
            }
            i = j;
        }
        set.checkInvariants();
        return set;
    }

    /** The picture of {@code set}. */
    static String draw(MappingSet set) {
        StringBuilder sb = new StringBuilder();
        for (long p = set.basePage(); p < set.limitPage(); p++) {
            sb.append('.');
        }
        for (long p = set.reservedStartPage(); p < set.reservedEndPage(); p++) {
            sb.setCharAt((int) (p - set.basePage()), 'r');
        }
        List<Mapping> all = set.all();
        for (Mapping m : all) {
            char c = m.isHeap() ? 'H' : (char) ('A' + m.id() - 1);
            if (m.prot() != RW && !m.isHeap()) {
                c = Character.toLowerCase(c);
            }
            for (long p = m.startPage(); p < m.endPage(); p++) {
                sb.setCharAt((int) (p - set.basePage()), c);
            }
        }
        return sb.toString();
    }
}
