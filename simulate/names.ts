// Fictional names and local identifiers. Any resemblance to real people is chance.
import type { Rng } from './prng.js';

const US_GIVEN_M = [
  'James',
  'Robert',
  'Michael',
  'David',
  'William',
  'Richard',
  'Joseph',
  'Thomas',
  'Carlos',
  'Daniel',
  'Mark',
  'Anthony',
  'Kevin',
  'Brian',
  'Luis',
  'Steven',
  'Andrew',
  'Raymond',
  'Dennis',
  'Wei',
];
const US_GIVEN_F = [
  'Mary',
  'Patricia',
  'Linda',
  'Barbara',
  'Elizabeth',
  'Jennifer',
  'Maria',
  'Susan',
  'Margaret',
  'Dorothy',
  'Lisa',
  'Karen',
  'Nancy',
  'Sandra',
  'Ana',
  'Donna',
  'Carol',
  'Michelle',
  'Laura',
  'Mei',
];
const US_FAMILY = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Thompson',
  'White',
  'Harris',
  'Clark',
  "O'Brien",
  'Nguyen',
  'Kowalski',
  'Chen',
  'Patel',
  'Van Buren',
];
const NL_GIVEN_M = ['Jan', 'Pieter', 'Kees', 'Willem', 'Hendrik', 'Joost', 'Maarten', 'Gerrit', 'Sjoerd', 'René', 'Thijs', 'Bram', 'Ruud', 'Mehmet', 'Joël'];
const NL_GIVEN_F = ['Anna', 'Maria', 'Els', 'Ingrid', 'Marieke', 'Saskia', 'Annelies', 'Femke', 'Noëlle', 'Loes', 'Hélène', 'Petra', 'Fatima', 'Zoë', 'Wilma'];
const NL_FAMILY = [
  'de Jong',
  'Jansen',
  'de Vries',
  'van den Berg',
  'van Dijk',
  'Bakker',
  'Visser',
  'Smit',
  'Meijer',
  'de Boer',
  'Mulder',
  'de Groot',
  'Bos',
  'Vos',
  'Peters',
  'Hendriks',
  'van Leeuwen',
  'Dekker',
  'Brouwer',
  'Müller',
  'Öztürk',
  'Verhoeven',
  'Kuijpers',
  'Gündoğdu'.normalize('NFC').replace('ğ', 'g'),
  'Çelik',
];

export function personName(rng: Rng, sex: 'male' | 'female', european: boolean): { given: string; family: string } {
  const given = european ? rng.pick(sex === 'male' ? NL_GIVEN_M : NL_GIVEN_F) : rng.pick(sex === 'male' ? US_GIVEN_M : US_GIVEN_F);
  const family = european ? rng.pick(NL_FAMILY) : rng.pick(US_FAMILY);
  return { given, family };
}

/** Local identifier formats, one per centre; `index` is mapped through a fixed permutation so numbers are not sequential. */
export function localIdentifier(centreId: string, index: number): string {
  const scrambled = (n: number, mod: number, mul: number, add: number): number => (((n * mul + add) % mod) + mod) % mod;
  switch (centreId) {
    case 'riverside':
      return `RV${String(scrambled(index, 9_000_000, 7_919, 1_234_567) + 1_000_000).padStart(7, '0')}`;
    case 'lakeshore':
      return String(scrambled(index, 90_000_000, 104_729, 31_415_926) + 10_000_000).padStart(9, '0');
    case 'summit':
      return `SCP-${String(scrambled(index, 90_000, 7_907, 4_711) + 10_000)}`;
    case 'amstel':
      return String(scrambled(index, 9_000_000, 15_485_863, 2_718_281) + 1_000_000);
    case 'harbour':
      return `H${String(scrambled(index, 900_000, 86_969, 141_421) + 100_000)}`;
    default:
      return `${centreId.toUpperCase()}-${index}`;
  }
}
